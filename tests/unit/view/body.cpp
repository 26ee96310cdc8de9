#include <warden/core/body.hpp>

#include <catch2/catch.hpp>

using namespace warden;

TEST_CASE("the JSON parser takes objects and reports DRF's errors", "[view][body]") {
    boost::json::object out;
    REQUIRE_FALSE(json_parser{}.parse(R"({"a":1,"b":"x"})", "application/json", out));
    CHECK(out.at("a") == 1);
    boost::json::object bad;
    auto e = json_parser{}.parse("{bad", "application/json", bad);
    REQUIRE(e);
    CHECK(e->status == http::status::bad_request);
    CHECK(e->detail.starts_with("JSON parse error - "));
    auto list = json_parser{}.parse("[1]", "application/json", bad);
    REQUIRE(list);
    CHECK(list->render() == R"({"non_field_errors":["Invalid data. Expected a dictionary, but got list."]})");
    std::string deep(100, '[');
    CHECK(json_parser{}.parse(deep, "application/json", bad));
    CHECK(json_parser{}.parse("{\"a\":\"\xff\"}", "application/json", bad));
}

TEST_CASE("the form parser decodes fields; the last repeated value wins", "[view][body]") {
    boost::json::object out;
    REQUIRE_FALSE(form_parser{}.parse("username=alice&password=a+b%21&x=1&x=2&empty=&flag", "", out));
    CHECK(out.at("username") == "alice");
    CHECK(out.at("password") == "a b!");
    CHECK(out.at("x") == "2");
    CHECK(out.at("empty") == "");
    CHECK(out.at("flag") == "");
    boost::json::object bad;
    REQUIRE_FALSE(form_parser{}.parse("a=%ff", "", bad));
    CHECK(bad.at("a") == "\xEF\xBF\xBD");
}

TEST_CASE("the multipart parser reads simple fields and describes files", "[view][body]") {
    std::string body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nalice-pass\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
        "--XyZ--\r\n";
    boost::json::object out;
    REQUIRE_FALSE(multipart_parser{}.parse(body, "multipart/form-data; boundary=XyZ", out));
    CHECK(out.at("username") == "alice");
    CHECK(out.at("password") == "alice-pass");
    CHECK(out.at("f").at("filename") == "a.txt");
    CHECK(out.at("f").at("size") == 5);
    boost::json::object bad;
    auto e = multipart_parser{}.parse(body, "multipart/form-data", bad);
    REQUIRE(e);
    CHECK(e->detail == "Multipart form parse error - Invalid boundary in multipart: None");
    CHECK(multipart_parser{}.parse("--XyZ\r\nno headers", "multipart/form-data; boundary=XyZ", bad));
}
