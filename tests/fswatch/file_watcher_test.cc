#include "fswatch/file_watcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace paymesh::fswatch {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Counts the callbacks; waits for the next one (a generous bound: these are events, not timings).
class Changes {
public:
  std::function<void()> callback() {
    return [this] {
      std::lock_guard lock(mu_);
      ++count_;
      cv_.notify_all();
    };
  }
  bool waitBeyond(int seen) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return count_ > seen; });
  }
  int count() {
    std::lock_guard lock(mu_);
    return count_;
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
};

class FileWatcherTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("fswatch-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  fs::path dir_;
};

TEST_F(FileWatcherTest, WrittenInPlaceOrRenamedOver) {
  write(dir_ / "mesh.yaml", "a: 1\n");
  Changes changes;
  auto w = FileWatcher::start((dir_ / "mesh.yaml").string(), changes.callback());
  ASSERT_TRUE(w.isOk()) << w.status().toString();
  write(dir_ / "mesh.yaml", "a: 2\n");
  ASSERT_TRUE(changes.waitBeyond(0));
  int seen = changes.count();
  write(dir_ / "mesh.yaml.tmp", "a: 3\n");
  fs::rename(dir_ / "mesh.yaml.tmp", dir_ / "mesh.yaml");
  EXPECT_TRUE(changes.waitBeyond(seen));
}

TEST_F(FileWatcherTest, OtherFilesOfTheDirectoryAreNotNews) {
  write(dir_ / "mesh.yaml", "a: 1\n");
  Changes changes;
  auto w = FileWatcher::start((dir_ / "mesh.yaml").string(), changes.callback());
  ASSERT_TRUE(w.isOk());
  write(dir_ / "other.yaml", "b: 1\n");
  write(dir_ / "mesh.yaml", "a: 2\n");  // a marker: once it is seen, the other write was read too
  ASSERT_TRUE(changes.waitBeyond(0));
  EXPECT_EQ(changes.count(), 1);
}

// How the kubelet updates a mounted ConfigMap: new contents in a fresh directory, then the
// `..data` symlink renamed over; `mesh.yaml -> ..data/mesh.yaml` itself never changes.
TEST_F(FileWatcherTest, SeesTheKubeletsDataSymlinkSwap) {
  fs::create_directories(dir_ / "..2026_01_01_a");
  write(dir_ / "..2026_01_01_a" / "mesh.yaml", "a: 1\n");
  fs::create_directory_symlink("..2026_01_01_a", dir_ / "..data");
  fs::create_symlink("..data/mesh.yaml", dir_ / "mesh.yaml");
  Changes changes;
  auto w = FileWatcher::start((dir_ / "mesh.yaml").string(), changes.callback());
  ASSERT_TRUE(w.isOk());
  fs::create_directories(dir_ / "..2026_01_01_b");
  write(dir_ / "..2026_01_01_b" / "mesh.yaml", "a: 2\n");
  fs::create_directory_symlink("..2026_01_01_b", dir_ / "..data_tmp");
  fs::rename(dir_ / "..data_tmp", dir_ / "..data");
  fs::remove_all(dir_ / "..2026_01_01_a");
  ASSERT_TRUE(changes.waitBeyond(0));
  std::ifstream in(dir_ / "mesh.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "a: 2\n");
}

TEST_F(FileWatcherTest, AMissingDirectoryIsAnError) {
  auto w = FileWatcher::start((dir_ / "absent" / "mesh.yaml").string(), [] {});
  ASSERT_FALSE(w.isOk());
  EXPECT_NE(w.status().message().find("absent"), std::string::npos) << w.status().message();
}

TEST_F(FileWatcherTest, NoCallbackAfterDestruction) {
  write(dir_ / "mesh.yaml", "a: 1\n");
  Changes changes;
  {
    auto w = FileWatcher::start((dir_ / "mesh.yaml").string(), changes.callback());
    ASSERT_TRUE(w.isOk());
  }
  write(dir_ / "mesh.yaml", "a: 2\n");
  EXPECT_EQ(changes.count(), 0);
}

}  // namespace
}  // namespace paymesh::fswatch
