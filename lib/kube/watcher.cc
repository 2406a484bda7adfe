#include "kube/watcher.h"

#include <future>
#include <thread>

#include "kube/object_key.h"
#include "obs/log.h"

namespace paymesh::kube {

const char* stateName(Watcher::State state) {
  switch (state) {
    case Watcher::State::kRelist: return "Relist";
    case Watcher::State::kWatch: return "Watch";
    case Watcher::State::kBackoff: return "Backoff";
  }
  return "?";
}

Watcher::Watcher(Client& client, ResourceRef res, std::string ns, ListOptions selectors, Backoff backoff,
                 std::chrono::seconds watch_timeout)
    : client_(client),
      res_(std::move(res)),
      ns_(std::move(ns)),
      selectors_(std::move(selectors)),
      backoff_(backoff),
      watch_timeout_(watch_timeout),
      delay_(backoff.initial) {}

namespace {

std::string resourceName(const ResourceRef& res) {
  return res.group.empty() ? res.resource : res.resource + "." + res.group;
}

}  // namespace

void Watcher::fail(Status status, State resume) {
  last_error_ = std::move(status);
  stats_.errors++;
  resume_ = resume;
  state_ = State::kBackoff;
  if (!failure_log_.failed(FailureLog::Clock::now(), last_error_.toString())) return;
  obs::logWarn(resume == State::kRelist ? "list failed; retrying" : "watch failed; retrying",
               {{"resource", resourceName(res_)},
                {"namespace", ns_.empty() ? "*" : ns_},
                {"selector", selectors_.label_selector},
                {"error", last_error_.toString()},
                {"retry_in", std::to_string(delay_.count()) + "ms"},
                {"failures", std::to_string(failure_log_.failures())}});
}

void Watcher::recovered() {
  auto ended = failure_log_.succeeded();
  if (!ended) return;
  obs::logInfo("list and watch recovered", {{"resource", resourceName(res_)},
                                            {"namespace", ns_.empty() ? "*" : ns_},
                                            {"selector", selectors_.label_selector},
                                            {"failures", std::to_string(*ended)}});
}

// The state machine in one switch, a case per state (docs/kube-client.md, "Watcher").
Watcher::State Watcher::step(const Sink& sink, std::stop_token stop) {
  switch (state_) {
    case State::kRelist: {
      stats_.relists++;
      ListOptions opts = selectors_;
      opts.continue_token.clear();
      auto fetch = [this](ListOptions o) { return client_.list(res_, ns_, o); };
      Result<ObjectList> page = fetch(opts);
      for (bool first = true;; first = false) {
        if (!page.isOk()) {
          fail(page.status(), State::kRelist);
          return state_;
        }
        bool last = page->continue_token.empty();
        // Every page reports the list's resourceVersion: the watch resumes from the first.
        if (first) rv_ = page->resource_version;
        // Said before the sink sees a page: once the last page is in, the caches may be
        // reported synced, and the recovery must be in the log before that.
        if (first) recovered();
        // The next page is fetched while the sink digests this one (the server builds a
        // page while the client parses and stores the previous).
        std::future<Result<ObjectList>> next;
        if (!last) {
          opts.continue_token = page->continue_token;
          next = std::async(std::launch::async, fetch, opts);
        }
        sink(WatcherEvent{WatcherEvent::Kind::kListPage, std::move(page->items), first, last, nullptr});
        if (last) break;
        page = next.get();
        if (stop.stop_requested()) return state_;
      }
      delay_ = backoff_.initial;
      state_ = State::kWatch;
      return state_;
    }
    case State::kWatch: {
      stats_.watches++;
      WatchOptions opts;
      opts.label_selector = selectors_.label_selector;
      opts.field_selector = selectors_.field_selector;
      opts.resource_version = rv_;
      opts.allow_bookmarks = true;
      opts.timeout = watch_timeout_;
      bool saw_event = false;
      Status s = client_.watch(
          res_, ns_, opts,
          [&](const WatchEvent& ev) {
            // Read without throwing: a watch line may hold anything (metadataOf and a
            // string check take a wrongly typed resourceVersion as none).
            const Json& meta = metadataOf(ev.object);
            auto rv = meta.find("resourceVersion");
            if (rv != meta.end() && rv->is_string() && !rv->get_ref<const std::string&>().empty())
              rv_ = rv->get<std::string>();
            saw_event = true;
            if (ev.type == EventType::kBookmark) return true;
            sink({ev.type == EventType::kDeleted ? WatcherEvent::Kind::kDeleted : WatcherEvent::Kind::kApplied,
                  {},
                  false,
                  false,
                  ev.object});
            return true;
          },
          stop);
      if (s.code() == Code::kGone) {
        stats_.gone++;
        last_error_ = s;
        state_ = State::kRelist;  // the history we needed is gone: start over from a list
        return state_;
      }
      if (!s.isOk()) {
        fail(s, State::kWatch);
        return state_;
      }
      if (saw_event) delay_ = backoff_.initial;
      recovered();
      return state_;  // stream ended: watch again from rv_
    }
    case State::kBackoff: {
      std::mutex m;
      std::condition_variable_any cv;
      std::unique_lock<std::mutex> lock(m);
      cv.wait_for(lock, stop, delay_, [] { return false; });
      delay_ = std::min(delay_ * 2, backoff_.max);
      state_ = resume_;
      return state_;
    }
  }
  return state_;
}

void Watcher::run(const Sink& sink, std::stop_token stop) {
  while (!stop.stop_requested()) step(sink, stop);
}

}  // namespace paymesh::kube
