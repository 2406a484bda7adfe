#include "operator/controller/endpoint_cache.h"

#include <gtest/gtest.h>

#include "operator/test_util.h"

namespace paymesh::ctrl {
namespace {

using testing::service;

std::vector<model::ServiceEndpoint> one(const std::string& pod) { return {{pod, "10.0.0.1", 1, true}}; }

TEST(EndpointCacheTest, AServicesEndpointsAreReadOnceUntilItsPodsChange) {
  EndpointCache cache;
  auto a = service("a");
  int reads = 0;
  auto read = [&] {
    ++reads;
    return one("a-" + std::to_string(reads));
  };
  EXPECT_EQ(cache.get(a, read), one("a-1"));
  EXPECT_EQ(cache.get(a, read), one("a-1"));
  EXPECT_EQ(reads, 1);
  cache.invalidate("other", "a");  // another namespace's pods
  cache.invalidate(a.metadata.namespace_, "b");
  EXPECT_EQ(cache.get(a, read), one("a-1"));
  cache.invalidate(a.metadata.namespace_, "a");
  EXPECT_EQ(cache.get(a, read), one("a-2"));
  EXPECT_EQ(reads, 2);
}

// The endpoints depend on the selector too: a service whose selector changed reads again.
TEST(EndpointCacheTest, ANewSelectorReadsAgain) {
  EndpointCache cache;
  auto a = service("a");
  int reads = 0;
  auto read = [&] {
    ++reads;
    return one("a");
  };
  cache.get(a, read);
  a.spec.selector["tier"] = "gold";
  cache.get(a, read);
  cache.get(a, read);
  EXPECT_EQ(reads, 2);
}

// A pod event while a read is under way: what that read saw may predate the event, so it
// is not kept as current; the next read decodes again and is kept.
TEST(EndpointCacheTest, AReadThatRacedAPodEventIsNotKept) {
  EndpointCache cache;
  auto a = service("a");
  int reads = 0;
  auto racing = [&] {
    ++reads;
    cache.invalidate(a.metadata.namespace_, "a");  // the event lands mid-read
    return one("before");
  };
  EXPECT_EQ(cache.get(a, racing), one("before")) << "the reader still gets what it read";
  EXPECT_EQ(cache.size(), 0u);
  auto read = [&] {
    ++reads;
    return one("after");
  };
  EXPECT_EQ(cache.get(a, read), one("after"));
  EXPECT_EQ(cache.get(a, read), one("after"));
  EXPECT_EQ(reads, 2);
}

}  // namespace
}  // namespace paymesh::ctrl
