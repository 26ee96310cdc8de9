// Precompiled for every unit test: the heavy, stable third-party headers only.
#include <catch2/catch.hpp>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <openssl/evp.h>
#include <string>
#include <string_view>
#include <vector>
