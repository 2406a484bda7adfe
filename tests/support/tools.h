#pragma once
// The command-line tools the tests drive, exactly as scripts/install-deps.sh installs
// them: helm and kubectl from tools/bin, node with the npm packages of tools/. The paths
// come from cmake/dependencies.cmake, which stops the configure step when one is missing,
// so no test ever skips for want of a tool.

#include <string>

namespace paymesh::testing {

inline std::string kubectlPath() { return PAYMESH_KUBECTL; }
inline std::string helmPath() { return PAYMESH_HELM; }
inline std::string nodePath() { return PAYMESH_NODE; }
// tools/: the .mjs checkers and their node_modules.
inline std::string toolsDir() { return PAYMESH_TOOLS_DIR; }

}  // namespace paymesh::testing
