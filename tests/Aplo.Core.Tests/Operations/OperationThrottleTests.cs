using Aplo.Core.Operations;

namespace Aplo.Core.Tests.Operations;

/// <summary>max_inflight_operations: past the limit a request is refused (429), not queued.</summary>
public sealed class OperationThrottleTests
{
    [Fact]
    public void TryEnter_UpToTheLimit_AdmitsThenRefuses()
    {
        var throttle = new OperationThrottle(3);

        Assert.True(throttle.TryEnter());
        Assert.True(throttle.TryEnter());
        Assert.True(throttle.TryEnter());
        Assert.False(throttle.TryEnter());
        Assert.False(throttle.TryEnter());

        Assert.Equal(3, throttle.InFlight);
        Assert.Equal(3, throttle.Total);
    }

    [Fact]
    public void Exit_FreesExactlyOneSlot()
    {
        var throttle = new OperationThrottle(2);
        throttle.TryEnter();
        throttle.TryEnter();

        throttle.Exit();

        Assert.Equal(1, throttle.InFlight);
        Assert.True(throttle.TryEnter());
        Assert.False(throttle.TryEnter());
        Assert.Equal(3, throttle.Total);
    }

    [Fact]
    public void TryEnter_LimitOfOne_SerializesOperations()
    {
        var throttle = new OperationThrottle(1);
        Assert.True(throttle.TryEnter());
        Assert.False(throttle.TryEnter());
        throttle.Exit();
        Assert.True(throttle.TryEnter());
    }

    [Fact]
    public async Task TryEnter_ManyThreads_NeverExceedsTheLimit()
    {
        const int limit = 4;
        const int threads = 8;
        const int iterations = 20_000;
        var throttle = new OperationThrottle(limit);
        var inside = 0;
        var maxInside = 0;
        var admitted = 0L;
        using var start = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                for (var i = 0; i < iterations; i++)
                {
                    if (!throttle.TryEnter())
                    {
                        continue;
                    }

                    Interlocked.Increment(ref admitted);
                    var now = Interlocked.Increment(ref inside);
                    int seen;
                    while (now > (seen = Volatile.Read(ref maxInside)) && Interlocked.CompareExchange(ref maxInside, now, seen) != seen)
                    {
                    }

                    Thread.SpinWait(20);
                    Interlocked.Decrement(ref inside);
                    throttle.Exit();
                }
            },
            TestContext.Current.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default));

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        Assert.InRange(maxInside, 1, limit);
        Assert.Equal(0, throttle.InFlight);
        Assert.Equal(admitted, throttle.Total);
        Assert.True(admitted > 0);
    }
}
