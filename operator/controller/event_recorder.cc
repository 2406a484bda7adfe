#include "operator/controller/event_recorder.h"

#include "base/json_fields.h"
#include "kube/resource.h"

namespace paymesh::ctrl {

namespace f = fields;
using Json = nlohmann::json;

void EventRecorder::onService(const model::PaymentService& service, const std::string& type, const std::string& reason,
                              const std::string& message) {
  record({{f::kApiVersion, model::kApiVersion},
          {f::kKind, model::kKind},
          {f::kName, service.metadata.name},
          {f::kNamespace, service.metadata.namespace_},
          {f::kUid, service.metadata.uid}},
         service.metadata.namespace_, type, reason, message);
}

void EventRecorder::onSecret(const Json& secret, const std::string& type, const std::string& reason,
                             const std::string& message) {
  const Json& meta = secret.value(f::kMetadata, Json::object());
  std::string ns = meta.value(f::kNamespace, "");
  record({{f::kApiVersion, "v1"},
          {f::kKind, "Secret"},
          {f::kName, meta.value(f::kName, "")},
          {f::kNamespace, ns},
          {f::kUid, meta.value(f::kUid, "")}},
         ns, type, reason, message);
}

void EventRecorder::record(const Json& involved, const std::string& ns, const std::string& type,
                           const std::string& reason, const std::string& message) {
  std::string now = pki::formatTime(now_());
  Json event = {{f::kApiVersion, "v1"},
                {f::kKind, "Event"},
                {f::kMetadata, {{f::kGenerateName, involved.value(f::kName, "paymesh") + "."}, {f::kNamespace, ns}}},
                {"involvedObject", involved},
                {f::kReason, reason},
                {f::kMessage, message},
                {f::kType, type},
                {"firstTimestamp", now},
                {"lastTimestamp", now},
                {"count", 1},
                {"source", {{"component", component_}}}};
  // Best effort: a lost Event (or one refused because this replica does not lead) is
  // not worth failing or repeating a pass for.
  if (client_.create(kube::resources::kEvents, ns, event, kube::Answer::kNone).isOk() && metrics_)
    metrics_->wrote(obs::WriteKind::kEvent);
}

}  // namespace paymesh::ctrl
