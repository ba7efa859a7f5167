"""Staff log-in: Django's ModelBackend, with the user's department and region loaded with the
user: every staff page applies the access rules (org.access), which read both."""

from django.contrib.auth.backends import ModelBackend

from minsheng.org.models import User


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        user = User._default_manager.select_related("department__region").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
