"""The views of warden's reference site, written with Django REST Framework.

Each class states its policies explicitly; the C++ reference_site declares the same
policy lists as template arguments. Class names feed DRF's OPTIONS "name".
"""
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.middleware.csrf import get_token
from rest_framework import status
from rest_framework.authentication import (BasicAuthentication, SessionAuthentication,
                                           TokenAuthentication)
from rest_framework.permissions import (AllowAny, IsAdminUser, IsAuthenticated,
                                        IsAuthenticatedOrReadOnly)
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication


def _profile_of(user):
    return {"username": user.username, "email": user.email}


class DashboardAPI(APIView):
    """Greets a user logged in through a session (the tutorial's first view)."""

    # authentication: the default list, i.e. SessionAuthentication.
    permission_classes = [IsAuthenticated]

    def get(self, request):
        name = request.user.username
        return Response({"message": f"Hello {name}, welcome to your dashboard"})


class ProfileAPI(APIView):
    """Username and email of the caller, who presents a DRF token."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response(_profile_of(request.user))


class JWTProfileAPI(ProfileAPI):
    """The same profile behind simplejwt's Bearer authentication."""

    authentication_classes = [JWTAuthentication]


class AnyAuthProfileAPI(ProfileAPI):
    """Token, then JWT, then session: Token names the 401 challenge."""

    authentication_classes = [TokenAuthentication, JWTAuthentication, SessionAuthentication]


class BasicProfileAPI(ProfileAPI):
    """The same profile behind HTTP Basic authentication."""

    authentication_classes = [BasicAuthentication]


class AdminAPI(APIView):
    """Staff only, by token."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAdminUser]

    def get(self, request):
        return Response({"admin": request.user.username})


class UserActiveAPI(APIView):
    """PUT {"active": bool}: staff switch an account on or off."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAdminUser]

    def put(self, request, username):
        account = get_user_model().objects.filter(username=username).first()
        if account is None:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        account.is_active = bool(request.data.get("active"))
        account.save(update_fields=["is_active"])
        return Response({"username": account.username, "active": account.is_active})


class NotesAPI(APIView):
    """Reading is open to all; writing needs a token or a session (with CSRF)."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get(self, request):
        return Response({"notes": []})

    def post(self, request):
        text = request.data.get("text", "")
        return Response({"created": text}, status=status.HTTP_201_CREATED)


class ThrottledAPI(APIView):
    """Open to all, rate-limited per client (anonymous) and per user."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]

    def get(self, request):
        return Response({"ok": True})


class LoginAPI(APIView):
    """Starts a session from a username and password and hands out the CSRF cookie."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        user = authenticate(request,
                            username=request.data.get("username"),
                            password=request.data.get("password"))
        if user is None:
            return Response({"detail": "Invalid username or password."},
                            status=status.HTTP_400_BAD_REQUEST)
        login(request, user)
        get_token(request)  # marks the CSRF cookie as used so the middleware sets it
        return Response({"username": user.username})


class LogoutAPI(APIView):
    """Ends the caller's session."""

    permission_classes = [IsAuthenticated]

    def post(self, request):
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)
