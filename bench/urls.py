"""The project's URLs plus /bench/bare/, the baseline the served benches divide by.

The bare view goes through the same server, middleware, renderer and throttles as
every API route; it only skips authentication and the database, so a route's ratio
to it is what authentication, queries and serialization cost.
"""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config import urls as project


class BareView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [path("bench/bare/", BareView.as_view()), *project.urlpatterns]

handler400 = project.handler400
handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500
