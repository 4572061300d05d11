// Loading the list from a file or a URL (see list_source.h).
#include "list_source.h"

#include <boost/asio/io_context.hpp>

#include <fmt/format.h>

#include "ah/extract.h"
#include "ah/url.h"
#include "engine_config.h"
#include "filter.h"
#include "net/http_engine.h"

namespace ah {

bool is_url(const std::string& source) {
    return source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0;
}

Result<std::string> load_list(const std::string& source, const Config& config) {
    if (!is_url(source)) return read_list_file(source, config.list.max_bytes);
    boost::asio::io_context io;
    net::HttpEngine engine(io, engine_options_from(config));
    std::string url = source;
    std::optional<HttpResponse> response;
    for (int hop = 0; hop <= config.check.max_redirects; ++hop) {
        HttpRequest request;
        request.url = url;
        request.body_cap = static_cast<std::size_t>(config.list.max_bytes) + 1;
        request.timeout = std::chrono::milliseconds(config.check.timeout_ms) * 3;
        engine.start(request, [&](HttpResponse r) { response = std::move(r); });
        io.run();
        io.restart();
        if (!response || response->redirect_url.empty() || response->status < 300 || response->status >= 400) break;
        const std::string next_host = classify_url(response->redirect_url).host;
        if (auto refusal = private_redirect_refusal(classify_url(source).host, next_host, config.filter.exclude_private))
            return Error{ErrorKind::input, fmt::format("cannot download the list: {}", *refusal), {mask_credentials(source), 0, 0},
                         ""};
        url = response->redirect_url;
        response.reset();
    }
    const std::string shown = mask_credentials(source);
    if (!response) return Error{ErrorKind::input, "download did not finish", {shown, 0, 0}, ""};
    if (response->error != TransportError::none) {
        const bool unreachable = response->error == TransportError::dns || response->error == TransportError::connect ||
                                 response->error == TransportError::timeout;
        return Error{unreachable ? ErrorKind::network : ErrorKind::input,
                     fmt::format("cannot download the list: {} ({})", to_string(response->error), response->error_message),
                     {shown, 0, 0}, ""};
    }
    if (response->status != 200)
        return Error{ErrorKind::input, fmt::format("cannot download the list: HTTP {}", response->status), {shown, 0, 0}, ""};
    if (response->body_truncated || response->body.size() > config.list.max_bytes)
        return Error{ErrorKind::input, fmt::format("the list is over the limit of {} bytes", config.list.max_bytes),
                     {shown, 0, 0}, "raise list.max_bytes if this list is really that large"};
    if (response->body.empty()) return Error{ErrorKind::input, "the downloaded list is empty", {shown, 0, 0}, ""};
    if (response->body.find('\0') != std::string::npos)
        return Error{ErrorKind::input, "the downloaded list contains a NUL byte: not a Markdown list", {shown, 0, 0}, ""};
    return std::move(response->body);
}

}  // namespace ah
