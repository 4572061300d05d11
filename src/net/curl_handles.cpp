// RAII helpers for libcurl: slist construction and the global init guard.
#include "net/curl_handles.h"

#include <new>
#include <stdexcept>
#include <string>

namespace ah::net {

CurlSlist make_slist(const std::vector<std::string>& items) {
    CurlSlist list;
    for (const auto& item : items) {
        // curl_slist_append returns a new head, or null (leaving the old list intact) on failure.
        curl_slist* head = curl_slist_append(list.get(), item.c_str());
        if (head == nullptr) throw std::bad_alloc();
        list.release();
        list.reset(head);
    }
    return list;
}

CurlGlobal::CurlGlobal() {
    if (CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
        throw std::runtime_error(std::string("curl_global_init failed: ") +
                                 curl_easy_strerror(code));
    }
}

CurlGlobal::~CurlGlobal() {
    curl_global_cleanup();
}

}  // namespace ah::net
