// RAII owners for libcurl handles, and the process-wide curl_global_init guard.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <vector>

namespace ah::net {

struct CurlEasyDeleter {
    void operator()(CURL* easy) const noexcept { curl_easy_cleanup(easy); }
};
struct CurlMultiDeleter {
    void operator()(CURLM* multi) const noexcept { curl_multi_cleanup(multi); }
};
struct CurlSlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
struct CurlShareDeleter {
    void operator()(CURLSH* share) const noexcept { curl_share_cleanup(share); }
};

using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;
using CurlShare = std::unique_ptr<CURLSH, CurlShareDeleter>;

// Builds a curl_slist from strings; an empty vector gives an empty (null) list.
// Throws std::bad_alloc when curl cannot allocate.
CurlSlist make_slist(const std::vector<std::string>& items);

// Calls curl_global_init on construction and curl_global_cleanup on destruction.
// main() and each test that uses curl construct one before any other curl object and
// keep it alive until every curl handle is gone. It is not thread-safe to construct
// two at once; nesting on one thread is fine (curl counts the calls).
class CurlGlobal {
  public:
    CurlGlobal();  // throws std::runtime_error when libcurl cannot initialise
    ~CurlGlobal();
    CurlGlobal(const CurlGlobal&) = delete;
    CurlGlobal& operator=(const CurlGlobal&) = delete;
};

}  // namespace ah::net
