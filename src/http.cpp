// Small helpers of the HTTP value types: header lookup and names for enums.
#include "ah/http.h"

#include <algorithm>
#include <cctype>

namespace ah {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    // For a repeated single-valued header the last occurrence is the one that counts.
    for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
        if (equals_ignoring_case(it->first, name)) return it->second;
    }
    return std::nullopt;
}

std::string_view to_string(HttpMethod method) {
    switch (method) {
        case HttpMethod::head:
            return "HEAD";
        case HttpMethod::get:
            return "GET";
        case HttpMethod::post:
            return "POST";
        case HttpMethod::patch:
            return "PATCH";
        case HttpMethod::put:
            return "PUT";
        case HttpMethod::delete_:
            return "DELETE";
    }
    return "GET";
}

std::string_view to_string(TransportError error) {
    switch (error) {
        case TransportError::none:
            return "none";
        case TransportError::dns:
            return "dns";
        case TransportError::connect:
            return "connect";
        case TransportError::tls:
            return "tls";
        case TransportError::timeout:
            return "timeout";
        case TransportError::protocol:
            return "protocol";
        case TransportError::too_large_headers:
            return "too_large_headers";
        case TransportError::send:
            return "send";
        case TransportError::receive:
            return "receive";
        case TransportError::url:
            return "url";
        case TransportError::other:
            return "other";
    }
    return "other";
}

}  // namespace ah
