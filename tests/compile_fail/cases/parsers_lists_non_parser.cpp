// expect: warden::parsers<\.\.\.> lists a type that is not a parser: use warden::json_parser
#include <warden/view.hpp>
using namespace warden;
struct v : api_view<parsers<allow_any>> {};
v x;
