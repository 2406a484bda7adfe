# Every third-party dependency, found once, each with the Debian 12 package that provides
# it. scripts/install-deps.sh installs them all; a missing one stops the configure step
# naming the package to install (instead of a missing header halfway through the build).

function(paymesh_missing what package)
  message(FATAL_ERROR
    "paymesh needs ${what}: install the Debian package ${package} "
    "(scripts/install-deps.sh installs every dependency)")
endfunction()

# paymesh_find_package(NAME DEBIAN_PACKAGE [find_package arguments...])
macro(paymesh_find_package name package)
  find_package(${name} ${ARGN} QUIET)
  if(NOT ${name}_FOUND)
    string(STRIP "${name} ${ARGN}" _paymesh_what)
    paymesh_missing("${_paymesh_what}" "${package}")
  endif()
endmacro()

# paymesh_pkg_check(PREFIX MODULE DEBIAN_PACKAGE): an IMPORTED_TARGET PkgConfig::PREFIX.
macro(paymesh_pkg_check prefix module package)
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET ${module})
  if(NOT ${prefix}_FOUND)
    paymesh_missing("the pkg-config module ${module}" ${package})
  endif()
endmacro()

paymesh_find_package(PkgConfig pkg-config)
paymesh_find_package(Threads libc6-dev)
paymesh_find_package(nlohmann_json nlohmann-json3-dev 3.10)
paymesh_find_package(OpenSSL libssl-dev 3)
# Boost before cpprestsdk, whose package configuration needs it too.
paymesh_find_package(Boost libboost-dev 1.74)  # Beast and Asio (lib/http), headers only
paymesh_find_package(cpprestsdk libcpprest-dev)
paymesh_find_package(prometheus-cpp prometheus-cpp-dev)
paymesh_find_package(simdjson libsimdjson-dev)  # the webhook's review parsing (lib/base/json_shape)
paymesh_pkg_check(LIBYAML yaml-0.1 libyaml-dev)
paymesh_pkg_check(XXHASH libxxhash libxxhash-dev)

if(PAYMESH_BUILD_TESTS)
  paymesh_find_package(GTest "libgtest-dev and libgmock-dev")
  if(NOT TARGET GTest::gmock)
    paymesh_missing("GoogleMock" libgmock-dev)
  endif()
  # Tools the tests run. helm and kubectl live in tools/bin (scripts/install-kube-tools.sh),
  # the npm packages in tools/node_modules; the tests use exactly these, never a copy found
  # elsewhere on the machine.
  find_program(PAYMESH_NODE node)
  if(NOT PAYMESH_NODE)
    paymesh_missing("node (Node.js, for the tools in tools/)" nodejs)
  endif()
  find_program(PAYMESH_OPENSSL openssl)
  if(NOT PAYMESH_OPENSSL)
    paymesh_missing("the openssl command" openssl)
  endif()
  foreach(tool helm kubectl)
    string(TOUPPER ${tool} var)
    find_program(PAYMESH_${var} ${tool} PATHS ${PROJECT_SOURCE_DIR}/tools/bin NO_DEFAULT_PATH NO_CACHE)
    if(NOT PAYMESH_${var})
      message(FATAL_ERROR "paymesh's tests need ${PROJECT_SOURCE_DIR}/tools/bin/${tool}: run scripts/install-deps.sh")
    endif()
  endforeach()
  set(PAYMESH_TEST_TOOLS PAYMESH_NODE="${PAYMESH_NODE}" PAYMESH_HELM="${PAYMESH_HELM}"
      PAYMESH_KUBECTL="${PAYMESH_KUBECTL}" PAYMESH_TOOLS_DIR="${PROJECT_SOURCE_DIR}/tools")
  foreach(module ajv yaml @marcbachmann/cel-js kubernetes-models @kubernetes-models/validate)
    if(NOT EXISTS ${PROJECT_SOURCE_DIR}/tools/node_modules/${module}/package.json)
      message(FATAL_ERROR "paymesh's tests need the npm package ${module} in tools/node_modules: run scripts/install-deps.sh")
    endif()
  endforeach()
endif()

if(PAYMESH_BUILD_BENCH)
  paymesh_find_package(benchmark libbenchmark-dev)
endif()
