app_name = "recharge"

urlpatterns: list = []
