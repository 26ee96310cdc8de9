// zlib as Python's zlib module calls it, for Django's signing.dumps / signing.loads.
#ifndef WARDEN_CRYPTO_DETAIL_ZLIB_HPP
#define WARDEN_CRYPTO_DETAIL_ZLIB_HPP

#include <zlib.h>

#include <climits>
#include <cstddef>
#include <string>
#include <string_view>

namespace warden::crypto::detail {

// Python's zlib.compress(data) runs deflateInit2(level -1, DEFLATED, 15, 8,
// Z_DEFAULT_STRATEGY) and deflate(Z_FINISH) over the whole input; compress2 makes the
// same calls, so with the same zlib the bytes are Python's, which is what makes a
// session encoded here byte-identical to Django's.
inline bool zlib_compress(std::string_view in, std::string& out) {
    uLongf size = compressBound(static_cast<uLong>(in.size()));
    out.resize(size);
    const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                             reinterpret_cast<const Bytef*>(in.data()), static_cast<uLong>(in.size()),
                             Z_DEFAULT_COMPRESSION);
    if (rc != Z_OK) {
        out.clear();
        return false;
    }
    out.resize(size);
    return true;
}

enum class inflate_status { ok, bad, too_large };

// One complete zlib stream (header and checksum included) and nothing after it. Python's
// zlib.decompress ignores bytes after the end of the stream; no Django-made value has
// any, so refusing them costs nothing and keeps one accepted form per payload. Output
// is produced in chunks and stops at `limit`: a signed value can still be a zip bomb
// when the secret has leaked or a fallback secret is stale.
inline inflate_status zlib_decompress(std::string_view in, std::size_t limit, std::string& out) {
    out.clear();
    if (in.size() > UINT_MAX) return inflate_status::too_large;
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK) return inflate_status::bad;
    struct end_guard {
        z_stream& s;
        ~end_guard() { inflateEnd(&s); }
    } guard{zs};
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    unsigned char chunk[16384];
    int rc = Z_OK;
    do {
        zs.next_out = chunk;
        zs.avail_out = sizeof chunk;
        rc = inflate(&zs, Z_NO_FLUSH);
        // Z_BUF_ERROR: no progress possible, i.e. the input ended inside the stream.
        if (rc != Z_OK && rc != Z_STREAM_END) return inflate_status::bad;
        const std::size_t n = sizeof chunk - zs.avail_out;
        if (n > limit - out.size()) return inflate_status::too_large;
        out.append(reinterpret_cast<const char*>(chunk), n);
    } while (rc != Z_STREAM_END);
    return zs.avail_in == 0 ? inflate_status::ok : inflate_status::bad;
}

} // namespace warden::crypto::detail

#endif
