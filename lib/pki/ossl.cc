#include "pki/ossl.h"

#include <openssl/err.h>

#include <climits>

namespace paymesh::pki::ossl {

BioPtr memReader(std::string_view text) {
  // BIO_new_mem_buf takes an int length; oversized inputs are rejected by callers.
  int len = text.size() > static_cast<size_t>(INT_MAX) ? INT_MAX : static_cast<int>(text.size());
  return BioPtr(BIO_new_mem_buf(text.data(), len));
}

std::string bioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<size_t>(len));
}

std::string drainErrors() {
  std::string out;
  unsigned long e = 0;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

Status error(Code code, const std::string& what) {
  std::string reasons = drainErrors();
  return {code, reasons.empty() ? what : what + " (" + reasons + ")"};
}

}  // namespace paymesh::pki::ossl
