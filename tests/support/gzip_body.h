// gzip bodies for fault tests: bombs that inflate to gigabytes of zeros from a few kilobytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "support/fixture_types.h"

namespace ah::testing {

// The gzip (RFC 1952) of `inflated_bytes` zero bytes, as a body the fixture server streams
// without building it: about 1/1000 of the inflated size (deflate's best ratio on zeros).
// `inflated_bytes` must be a positive multiple of gzip_zeros_block_bytes.
inline constexpr std::uint64_t gzip_zeros_block_bytes = 1u << 20;
RepeatedBody gzip_zeros(std::uint64_t inflated_bytes);

// The whole body as one string; for bodies small enough to hold (e.g. to gzip them again).
std::string materialize(const RepeatedBody& body);

// The gzip of `data` (best compression).
std::string gzip(std::string_view data);

}  // namespace ah::testing
