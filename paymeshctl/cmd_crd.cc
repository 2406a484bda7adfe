// paymeshctl crd: prints the PaymentService CustomResourceDefinition generated from the
// model, the same text crds/ holds.

#include <cstdio>

#include "model/api_docs.h"
#include "model/crd.h"
#include "paymeshctl/commands.h"
#include "paymeshctl/flags.h"

namespace paymesh::ctl {
namespace {

const std::vector<FlagSpec>& specs() {
  static const std::vector<FlagSpec> kSpecs = {
      {"output", "o", true, false, "yaml|json|markdown",
       "output format (default yaml); markdown prints the API reference"},
      {"help", "h", false, false, "", "show this help"},
  };
  return kSpecs;
}

int run(const Args& args) {
  auto flags = Flags::parse(specs(), args);
  if (!flags.isOk()) {
    std::fprintf(stderr, "paymeshctl crd: %s\n", flags.status().message().c_str());
    return 2;
  }
  if (flags->has("help")) {
    std::printf(
        "Print the PaymentService CustomResourceDefinition (generated from the model).\n\n"
        "Usage: paymeshctl crd [-o yaml|json|markdown]\n\nFlags:\n%s",
        flagsHelp(specs()).c_str());
    return 0;
  }
  std::string format = flags->getOr("output", "yaml");
  if (format == "yaml") {
    std::fputs(model::paymentServiceCrdYaml().c_str(), stdout);
  } else if (format == "json") {
    std::printf("%s\n", model::paymentServiceCrd().dump(2).c_str());
  } else if (format == "markdown") {
    std::fputs(model::apiReferenceMarkdown().c_str(), stdout);
  } else {
    std::fprintf(stderr, "paymeshctl crd: --output must be yaml, json or markdown, got \"%s\"\n",
                 format.substr(0, 32).c_str());
    return 2;
  }
  return 0;
}

}  // namespace

PAYMESH_CTL_COMMAND(crd, "crd", "print the PaymentService CustomResourceDefinition", run);

}  // namespace paymesh::ctl
