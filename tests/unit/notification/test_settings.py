from services.notification.settings import NotificationSettings


def test_defaults_retry_for_about_an_hour_and_sign_nothing():
    s = NotificationSettings.from_env({})
    assert (s.webhooks.retry.max_attempts, s.webhooks.retry.cap_s, s.webhooks.timeout_s) == (20, 900.0, 5.0)
    assert s.signing_key_path is None


def test_everything_comes_from_the_environment():
    s = NotificationSettings.from_env({"CBEC_WEBHOOK_MAX_ATTEMPTS": "3", "CBEC_WEBHOOK_BACKOFF_BASE_S": "0.1",
                                    "CBEC_WEBHOOK_BACKOFF_MAX_S": "2", "CBEC_WEBHOOK_TIMEOUT_S": "1.5",
                                    "CBEC_WEBHOOK_CONCURRENCY": "8", "CBEC_WEBHOOK_PER_ENTERPRISE": "2",
                                    "CBEC_PLATFORM_SIGNING_KEY": "/k.pem"})
    w = s.webhooks
    assert (w.retry.max_attempts, w.retry.base_s, w.retry.cap_s, w.timeout_s, w.concurrency, w.per_enterprise) == \
        (3, 0.1, 2.0, 1.5, 8, 2)
    assert s.signing_key_path == "/k.pem" and s.signing_cert_path is None
