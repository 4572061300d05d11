// Builds gzip streams with zlib's raw deflate and a hand-written RFC 1952 header and trailer,
// so that a gigabyte of zeros is one compressed block repeated, never compressed in full.
#include "support/gzip_body.h"

#include <zlib.h>

#include <stdexcept>

namespace ah::testing {

namespace {

// ID1 ID2, CM = deflate, no flags, no mtime, XFL = best compression, OS = Unix.
const std::string gzip_header("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03", 10);

void append_le32(std::string& out, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

// Raw deflate, fed piece by piece; each feed is flushed so its output stands alone.
class RawDeflate {
public:
    RawDeflate() {
        if (deflateInit2(&stream_, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 9,
                         Z_DEFAULT_STRATEGY) != Z_OK) {
            throw std::runtime_error("gzip_body: deflateInit2 failed");
        }
    }
    ~RawDeflate() { deflateEnd(&stream_); }
    RawDeflate(const RawDeflate&) = delete;
    RawDeflate& operator=(const RawDeflate&) = delete;

    // Z_FULL_FLUSH also forgets the history: the next feed of the same bytes compresses to
    // the same bytes, which is what lets a block be repeated.
    std::string feed(std::string_view input, int flush) {
        stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
        stream_.avail_in = static_cast<uInt>(input.size());
        std::string out;
        char buffer[16384];
        int result = Z_OK;
        do {
            stream_.next_out = reinterpret_cast<Bytef*>(buffer);
            stream_.avail_out = sizeof buffer;
            result = deflate(&stream_, flush);
            if (result == Z_STREAM_ERROR) throw std::runtime_error("gzip_body: deflate failed");
            out.append(buffer, sizeof buffer - stream_.avail_out);
        } while (stream_.avail_out == 0 || (flush == Z_FINISH && result != Z_STREAM_END));
        return out;
    }

private:
    z_stream stream_{};
};

}  // namespace

RepeatedBody gzip_zeros(std::uint64_t inflated_bytes) {
    if (inflated_bytes == 0 || inflated_bytes % gzip_zeros_block_bytes != 0) {
        throw std::invalid_argument("gzip_zeros: size must be a positive multiple of 1 MiB");
    }
    const std::string zeros(gzip_zeros_block_bytes, '\0');
    const std::uint64_t blocks = inflated_bytes / gzip_zeros_block_bytes;
    RawDeflate deflater;
    RepeatedBody body;
    body.prefix = gzip_header + deflater.feed(zeros, Z_FULL_FLUSH);
    body.unit = deflater.feed(zeros, Z_FULL_FLUSH);
    if (deflater.feed(zeros, Z_FULL_FLUSH) != body.unit) {
        throw std::runtime_error("gzip_zeros: deflate did not repeat itself");
    }
    body.repeat = blocks - 1;
    body.suffix = deflater.feed({}, Z_FINISH);

    const auto block_crc =
        crc32(0L, reinterpret_cast<const Bytef*>(zeros.data()), static_cast<uInt>(zeros.size()));
    uLong crc = block_crc;
    for (std::uint64_t i = 1; i < blocks; ++i) {
        crc = crc32_combine(crc, block_crc, static_cast<z_off_t>(gzip_zeros_block_bytes));
    }
    append_le32(body.suffix, static_cast<std::uint32_t>(crc));
    append_le32(body.suffix, static_cast<std::uint32_t>(inflated_bytes & 0xffffffffu));  // ISIZE
    return body;
}

std::string materialize(const RepeatedBody& body) {
    std::string out = body.prefix;
    out.reserve(static_cast<std::size_t>(body.size()));
    for (std::uint64_t i = 0; i < body.repeat; ++i) out += body.unit;
    return out += body.suffix;
}

std::string gzip(std::string_view data) {
    RawDeflate deflater;
    std::string out = gzip_header + deflater.feed(data, Z_FINISH);
    append_le32(out, static_cast<std::uint32_t>(
                         crc32(0L, reinterpret_cast<const Bytef*>(data.data()),
                               static_cast<uInt>(data.size()))));
    append_le32(out, static_cast<std::uint32_t>(data.size() & 0xffffffffu));
    return out;
}

}  // namespace ah::testing
