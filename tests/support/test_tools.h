#pragma once
// Where the tests find the real kubectl and helm: the environment variable (PAYMESH_KUBECTL,
// PAYMESH_HELM) when set, else the path CMake was configured with (the cache variables of
// the same names; see tests/emulator/CMakeLists.txt), else "" and the test says which
// variable to set. One place, so the project's pinned tools folder can be pointed at here.

#include <cstdlib>
#include <filesystem>
#include <string>

namespace paymesh::testing {

inline std::string testTool(const char* env_name, const char* configured) {
  const char* env = std::getenv(env_name);
  std::string path = env && *env ? env : configured;
  return !path.empty() && std::filesystem::exists(path) ? path : "";
}

#ifdef PAYMESH_KUBECTL
inline std::string kubectlPath() { return testTool("PAYMESH_KUBECTL", PAYMESH_KUBECTL); }
#endif
#ifdef PAYMESH_HELM
inline std::string helmPath() { return testTool("PAYMESH_HELM", PAYMESH_HELM); }
#endif

}  // namespace paymesh::testing
