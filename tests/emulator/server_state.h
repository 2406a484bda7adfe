#pragma once
// Everything the emulator knows, in one place, for the parts that serve requests (reads,
// writes, deletion, watches) to share. The ApiServer's one mutex guards all of it.

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "emulator/authorization.h"
#include "emulator/faults.h"
#include "emulator/options.h"
#include "emulator/resource_types.h"
#include "emulator/store.h"

namespace paymesh::emulator {

struct ServerState {
  explicit ServerState(Options o) : options(std::move(o)), store(options.history, options.seed) {}

  Options options;
  Store store;
  TypeRegistry types;
  FaultInjector faults;
  std::map<std::string, std::chrono::steady_clock::time_point> terminating;  // namespace -> deletion time
  std::set<RequestAttributes> requests;                                      // when options.record_requests
  std::vector<ServedWrite> writes;                                           // when options.record_writes
  bool stopping = false;
};

}  // namespace paymesh::emulator
