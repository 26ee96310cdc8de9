// expect: warden::json: a Boost\.JSON value is serialized with boost::json::serialize; #include <boost/json/serialize\.hpp>
#include <warden/view.hpp>
#include <boost/json/value.hpp>
warden::response answer(const boost::json::value& v) { return warden::json(v); }
