#pragma once
// The API reference (docs/api.md), generated from the same schemas the validator and
// the CRD use, so the documentation cannot drift from what is enforced.

#include <string>

namespace paymesh::model {

std::string apiReferenceMarkdown();

}  // namespace paymesh::model
