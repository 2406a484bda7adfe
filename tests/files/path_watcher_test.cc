#include "files/path_watcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

namespace paymesh::files {
namespace {

namespace stdfs = std::filesystem;
using namespace std::chrono_literals;

// Records every call; waits for the next one.
class Recorder {
public:
  PathWatcher::Callback callback() {
    return [this](const std::vector<std::string>& changed) {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back(changed);
      cv_.notify_all();
    };
  }
  // The paths of the next call, or nullopt when none comes within `timeout`.
  std::optional<std::vector<std::string>> next(std::chrono::milliseconds timeout = 5s) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return seen_ < calls_.size(); })) return std::nullopt;
    return calls_[seen_++];
  }
  size_t calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_.size();
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::vector<std::string>> calls_;
  size_t seen_ = 0;
};

class PathWatcherTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = stdfs::temp_directory_path() / ("paymesh-watch-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    stdfs::remove_all(dir_);
    stdfs::create_directories(dir_);
  }
  void TearDown() override { stdfs::remove_all(dir_); }

  void write(const stdfs::path& p, const std::string& text) { std::ofstream(p) << text; }

  // What the kubelet does on a ConfigMap/Secret update: a new timestamped directory, a
  // temporary symlink to it renamed over ..data, the old directory removed.
  void kubeletUpdate(const stdfs::path& volume, const std::string& stamp, const std::string& file,
                     const std::string& text) {
    stdfs::path old_target;
    if (stdfs::is_symlink(volume / "..data")) old_target = volume / stdfs::read_symlink(volume / "..data");
    stdfs::create_directories(volume / stamp);
    write(volume / stamp / file, text);
    stdfs::create_symlink(stamp, volume / "..data_tmp");
    stdfs::rename(volume / "..data_tmp", volume / "..data");
    if (!stdfs::exists(volume / file)) stdfs::create_symlink(stdfs::path("..data") / file, volume / file);
    if (!old_target.empty()) stdfs::remove_all(old_target);
  }

  stdfs::path dir_;
  Recorder rec_;
};

TEST_F(PathWatcherTest, FileWrittenInPlace) {
  write(dir_ / "mesh.yaml", "a: 1\n");
  auto w = PathWatcher::start({(dir_ / "mesh.yaml").string()}, rec_.callback(), 20ms);
  ASSERT_TRUE(w.isOk()) << w.status().toString();
  write(dir_ / "mesh.yaml", "a: 2\n");
  auto call = rec_.next();
  ASSERT_TRUE(call);
  EXPECT_EQ(*call, std::vector<std::string>{(dir_ / "mesh.yaml").string()});
}

TEST_F(PathWatcherTest, FileReplacedByRename) {
  write(dir_ / "mesh.yaml", "a: 1\n");
  auto w = PathWatcher::start({(dir_ / "mesh.yaml").string()}, rec_.callback(), 20ms);
  ASSERT_TRUE(w.isOk());
  write(dir_ / ".mesh.yaml.swp", "a: 2\n");
  stdfs::rename(dir_ / ".mesh.yaml.swp", dir_ / "mesh.yaml");
  ASSERT_TRUE(rec_.next());
}

TEST_F(PathWatcherTest, KubernetesDataSymlinkSwapIsOneChange) {
  kubeletUpdate(dir_, "..2024_01_01_00_00_00.1", "tls.crt", "one");
  write(dir_ / "..2024_01_01_00_00_00.1" / "tls.key", "k1");
  stdfs::create_symlink("..data/tls.key", dir_ / "tls.key");
  std::vector<std::string> paths = {(dir_ / "tls.crt").string(), (dir_ / "tls.key").string()};
  auto w = PathWatcher::start(paths, rec_.callback(), 50ms);
  ASSERT_TRUE(w.isOk());
  kubeletUpdate(dir_, "..2024_01_01_00_00_00.2", "tls.crt", "two");
  auto call = rec_.next();
  ASSERT_TRUE(call);
  EXPECT_EQ(*call, paths);  // both files, once, in the order given
  EXPECT_FALSE(rec_.next(300ms)) << "the swap's several events coalesce into one call";
  // The next update is seen too: the old timestamped directory going away broke nothing.
  kubeletUpdate(dir_, "..2024_01_01_00_00_00.3", "tls.crt", "three");
  EXPECT_TRUE(rec_.next());
}

TEST_F(PathWatcherTest, OtherFilesOfTheDirectoryAreIgnored) {
  write(dir_ / "mesh.yaml", "a: 1\n");
  auto w = PathWatcher::start({(dir_ / "mesh.yaml").string()}, rec_.callback(), 20ms);
  ASSERT_TRUE(w.isOk());
  write(dir_ / "unrelated.txt", "x");
  stdfs::remove(dir_ / "unrelated.txt");
  EXPECT_FALSE(rec_.next(300ms));
}

TEST_F(PathWatcherTest, FileCreatedAndDeleted) {
  auto w = PathWatcher::start({(dir_ / "later.yaml").string()}, rec_.callback(), 20ms);
  ASSERT_TRUE(w.isOk()) << "the file need not exist";
  write(dir_ / "later.yaml", "a: 1\n");
  ASSERT_TRUE(rec_.next());
  stdfs::remove(dir_ / "later.yaml");
  ASSERT_TRUE(rec_.next());
}

TEST_F(PathWatcherTest, SymlinkIntoAnotherDirectoryIsFollowed) {
  stdfs::create_directories(dir_ / "real");
  stdfs::create_directories(dir_ / "links");
  write(dir_ / "real" / "mesh.yaml", "a: 1\n");
  stdfs::create_symlink(dir_ / "real" / "mesh.yaml", dir_ / "links" / "mesh.yaml");
  auto w = PathWatcher::start({(dir_ / "links" / "mesh.yaml").string()}, rec_.callback(), 20ms);
  ASSERT_TRUE(w.isOk());
  write(dir_ / "real" / "mesh.yaml", "a: 2\n");
  auto call = rec_.next();
  ASSERT_TRUE(call);
  EXPECT_EQ(*call, std::vector<std::string>{(dir_ / "links" / "mesh.yaml").string()});
}

TEST_F(PathWatcherTest, DirectoryRemovedAndRecreated) {
  stdfs::create_directories(dir_ / "certs");
  write(dir_ / "certs" / "tls.crt", "one");
  auto w = PathWatcher::start({(dir_ / "certs" / "tls.crt").string()}, rec_.callback(), 20ms);
  ASSERT_TRUE(w.isOk());
  stdfs::remove_all(dir_ / "certs");
  ASSERT_TRUE(rec_.next());
  stdfs::create_directories(dir_ / "certs");
  write(dir_ / "certs" / "tls.crt", "two");
  ASSERT_TRUE(rec_.next()) << "watched again once it is back";
  write(dir_ / "certs" / "tls.crt", "three");
  ASSERT_TRUE(rec_.next());
}

TEST_F(PathWatcherTest, MissingDirectoryIsAnError) {
  auto w = PathWatcher::start({(dir_ / "nope" / "tls.crt").string()}, rec_.callback());
  ASSERT_FALSE(w.isOk());
  EXPECT_EQ(w.status().code(), Code::kNotFound);
  EXPECT_NE(w.status().message().find((dir_ / "nope").string()), std::string::npos) << w.status().message();
  EXPECT_FALSE(PathWatcher::start({}, rec_.callback()).isOk());
}

TEST_F(PathWatcherTest, NoCallAfterDestruction) {
  write(dir_ / "mesh.yaml", "a: 1\n");
  auto w = PathWatcher::start({(dir_ / "mesh.yaml").string()}, rec_.callback(), 200ms);
  ASSERT_TRUE(w.isOk());
  write(dir_ / "mesh.yaml", "a: 2\n");
  w = Result<std::unique_ptr<PathWatcher>>(internalError("gone"));  // destroys the watcher at once
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(rec_.calls(), 0u);
}

}  // namespace
}  // namespace paymesh::files
