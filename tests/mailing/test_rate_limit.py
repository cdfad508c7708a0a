from curator.mailing.send import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_it_spaces_messages_to_the_configured_rate():
    clock = FakeClock()
    limiter = RateLimiter(4, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        limiter.wait()
    assert clock.slept == [0.25, 0.25, 0.25, 0.25]
    assert clock.now == 101.0


def test_it_does_not_sleep_when_sending_is_slower_than_the_limit():
    clock = FakeClock()
    limiter = RateLimiter(2, clock=clock, sleep=clock.sleep)
    limiter.wait()
    clock.now += 1.0  # the message itself took a second
    limiter.wait()
    assert clock.slept == []


def test_it_never_sleeps_without_a_limit():
    clock = FakeClock()
    limiter = RateLimiter(0, clock=clock, sleep=clock.sleep)
    for _ in range(100):
        limiter.wait()
    assert clock.slept == []
