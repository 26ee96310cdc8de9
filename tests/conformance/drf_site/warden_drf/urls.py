"""Routes of warden's conformance DRF site (the C++ reference_site serves the same)."""
from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework_simplejwt.views import (TokenBlacklistView, TokenObtainPairView,
                                            TokenRefreshView, TokenVerifyView)

from . import views

urlpatterns = [
    # Session, token, JWT and Basic flavours of the tutorial's views.
    path("api/dashboard/", views.DashboardAPI.as_view()),
    path("api/profile/", views.ProfileAPI.as_view()),
    path("api/jwt/profile/", views.JWTProfileAPI.as_view()),
    path("api/any/profile/", views.AnyAuthProfileAPI.as_view()),
    path("api/basic/profile/", views.BasicProfileAPI.as_view()),
    # Permissions and throttling.
    path("api/admin/", views.AdminAPI.as_view()),
    path("api/admin/users/<str:username>/active/", views.UserActiveAPI.as_view()),
    path("api/notes/", views.NotesAPI.as_view()),
    path("api/throttled/", views.ThrottledAPI.as_view()),
    # Session login and logout.
    path("api/login/", views.LoginAPI.as_view()),
    path("api/logout/", views.LogoutAPI.as_view()),
    # DRF's token endpoint and simplejwt's endpoints, as shipped.
    path("api/token-auth/", obtain_auth_token),
    path("api/token/", TokenObtainPairView.as_view()),
    path("api/token/refresh/", TokenRefreshView.as_view()),
    path("api/token/verify/", TokenVerifyView.as_view()),
    path("api/token/blacklist/", TokenBlacklistView.as_view()),
    # DRF's browsable-API login and logout pages (Django's LoginView and LogoutView).
    path("api-auth/", include("rest_framework.urls")),
]
