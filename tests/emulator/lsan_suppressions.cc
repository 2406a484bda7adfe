// LeakSanitizer suppressions (and the ASan option they need) for the test binaries: OpenSSL's per-thread state and RNG
// contexts allocated on cpprestsdk's pool threads, which are still alive at exit, so their
// thread-exit cleanup never runs; and the response-body continuation cpprestsdk 2.10
// creates when a connect fails (its request context and the body's close task keep each
// other alive, all inside the library). Our own allocations stay checked.

extern "C" const char* __lsan_default_suppressions();  // NOLINT
extern "C" const char* __lsan_default_suppressions() {
  return "leak:ERR_clear_error\n"
         "leak:ERR_new\n"
         "leak:ossl_err_get_state_int\n"
         "leak:RAND_get0_primary\n"
         "leak:RAND_get0_private\n"
         "leak:RAND_get0_public\n"
         "leak:EVP_RAND_CTX_new\n"
         "leak:asio_context::handle_connect\n";
}

// OpenSSL is built without frame pointers: only the slow unwinder reaches the frames the
// suppressions above name.
extern "C" const char* __asan_default_options();  // NOLINT
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }
