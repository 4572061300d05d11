// Where the list text comes from: a local file, or an http(s) URL fetched through the engine.
#pragma once

#include <string>

#include "ah/config.h"
#include "ah/result.h"

namespace ah {

bool is_url(const std::string& source);

// Reads a file (read_list_file's checks) or downloads a URL (HTTP 200 required, at most
// list.max_bytes, redirects followed). A download that cannot reach the host is an
// ErrorKind::network error; any other failure is ErrorKind::input.
Result<std::string> load_list(const std::string& source, const Config& config);

}  // namespace ah
