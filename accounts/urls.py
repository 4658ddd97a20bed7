from accounts.views import auth, people, roles, security, sessions, subscribers
from config.routing import api_path

app_name = "accounts"

urlpatterns = [
    # Seed 000 (CredbuzzPay)
    *api_path("auth/register/initiate", auth.RegisterInitiateView.as_view(), "register-initiate"),
    *api_path("auth/register/verify_otp", auth.RegisterVerifyOtpView.as_view(), "register-verify"),
    *api_path("auth/login", auth.LoginView.as_view(), "login"),
    *api_path("auth/verify_login_otp", auth.VerifyLoginOtpView.as_view(), "verify-login-otp"),
    *api_path("auth/logout", auth.LogoutView.as_view(), "logout"),
    *api_path("auth/forgot_password", auth.ForgotPasswordView.as_view(), "forgot-password"),
    *api_path("auth/reset_password", auth.ResetPasswordView.as_view(), "reset-password"),
    *api_path("otp/verify_otp", auth.OtpVerifyView.as_view(), "otp-verify"),
    *api_path("otp/resend_otp", auth.OtpResendView.as_view(), "otp-resend"),
    # Seed 002 (RepaySync)
    *api_path("auth/token", auth.TokenObtainView.as_view(), "token"),
    *api_path("auth/token/refresh", auth.RefreshView.as_view(), "token-refresh"),
    *api_path("users/register", auth.StaffRegisterView.as_view(), "staff-register"),
    # Seed 003 (KTL) and 004 (GenCharge)
    *api_path("auth/refresh", auth.RefreshView.as_view(), "refresh"),
    *api_path("auth/verify", auth.VerifyTokenView.as_view(), "verify"),
    *api_path("auth/signup", auth.SignupView.as_view(), "signup"),
    *api_path("auth/verify-otp-signup", auth.SignupVerifyView.as_view(), "signup-verify"),
    *api_path("auth/register", auth.ProfileRegisterView.as_view(), "register-profile"),
    *api_path("auth/verify-otp-login", auth.VerifyOtpLoginFormView.as_view(), "verify-otp-login"),
    # People, roles and access
    *people.urlpatterns,
    *roles.urlpatterns,
    *subscribers.urlpatterns,
    *security.urlpatterns,
    *sessions.urlpatterns,
]
