// paymeshctl crd: prints the PaymentService CustomResourceDefinition generated from the
// model, the same text crds/ holds.

#include <cstdio>

#include "model/api_docs.h"
#include "model/crd.h"
#include "paymeshctl/commands.h"
#include "cli/flags.h"

namespace paymesh::ctl {
namespace {

const CommandSpec& spec() {
  static const CommandSpec kSpec = {
      "crd",
      "crd [-o yaml|json|markdown]",
      "Print the PaymentService CustomResourceDefinition (generated from the model).",
      {
          {"output", "o", true, false, "yaml|json|markdown",
           "output format (default yaml); markdown prints the API reference"},
      },
      "",
  };
  return kSpec;
}

int run(const Args& args) {
  auto command = parseCommand(spec(), args);
  if (auto* code = std::get_if<int>(&command)) return *code;
  const Flags* flags = &std::get<Flags>(command);
  std::string format = flags->getOr("output", "yaml");
  if (format == "yaml") {
    std::fputs(model::paymentServiceCrdYaml().c_str(), stdout);
  } else if (format == "json") {
    std::printf("%s\n", model::paymentServiceCrd().dump(2).c_str());
  } else if (format == "markdown") {
    std::fputs(model::apiReferenceMarkdown().c_str(), stdout);
  } else {
    return commandError(spec(), 2, "--output must be yaml, json or markdown, got \"" + format.substr(0, 32) + "\"");
  }
  return 0;
}

}  // namespace

PAYMESH_CTL_COMMAND(crd, "crd", "print the PaymentService CustomResourceDefinition", run);

}  // namespace paymesh::ctl
