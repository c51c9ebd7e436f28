using Aplo.Core.Operations;
using Microsoft.Extensions.Time.Testing;

namespace Aplo.Core.Tests.Operations;

/// <summary>Reference §1.2: pending until done, then the result is read once and forgotten.</summary>
public sealed class OperationQueueTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>A real-time bound on awaits that must complete promptly; never a wait the test relies on.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Poll_PendingThenFinishedOnceThenUnknown()
    {
        var queue = new OperationQueue(time, Lifetime);
        queue.Add("op1", "admin");

        Assert.Equal(QueueState.Pending, queue.Poll("op1", out var pending));
        Assert.Null(pending);
        Assert.Equal(QueueState.Pending, queue.Poll("op1", out _));

        var outcome = new OperationOutcome.Created("/volumes/abc");
        queue.Complete("op1", outcome);

        Assert.Equal(QueueState.Finished, queue.Poll("op1", out var finished));
        Assert.Equal(outcome, finished);
        Assert.Equal(QueueState.Unknown, queue.Poll("op1", out var gone));
        Assert.Null(gone);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Poll_UnknownId_IsUnknown()
    {
        var queue = new OperationQueue(time, Lifetime);
        Assert.Equal(QueueState.Unknown, queue.Poll("nothing", out _));
    }

    [Fact]
    public void Poll_FailedOutcome_IsReturnedAsIs()
    {
        var queue = new OperationQueue(time, Lifetime);
        queue.Add("op1", "admin");
        queue.Complete("op1", new OperationOutcome.Failed("boom"));

        Assert.Equal(QueueState.Finished, queue.Poll("op1", out var outcome));
        Assert.Equal("boom", Assert.IsType<OperationOutcome.Failed>(outcome).Message);
    }

    [Fact]
    public void Complete_UnknownId_IsIgnored()
    {
        var queue = new OperationQueue(time, Lifetime);
        queue.Complete("never-added", OperationOutcome.Completed);
        Assert.Equal(QueueState.Unknown, queue.Poll("never-added", out _));
    }

    [Fact]
    public void Complete_Twice_KeepsTheFirstOutcome()
    {
        var queue = new OperationQueue(time, Lifetime);
        queue.Add("op1", "admin");
        queue.Complete("op1", new OperationOutcome.Failed("first"));
        queue.Complete("op1", OperationOutcome.Completed);

        queue.Poll("op1", out var outcome);
        Assert.Equal("first", Assert.IsType<OperationOutcome.Failed>(outcome).Message);
    }

    [Fact]
    public void OwnerOf_KnownAndUnknown()
    {
        var queue = new OperationQueue(time, Lifetime);
        queue.Add("op1", "user");
        Assert.Equal("user", queue.OwnerOf("op1"));
        Assert.Null(queue.OwnerOf("op2"));
    }

    [Fact]
    public void Add_AfterTheLifetime_DropsUnreadResults()
    {
        var queue = new OperationQueue(time, Lifetime);
        queue.Add("old", "admin");
        queue.Complete("old", OperationOutcome.Completed);

        time.Advance(TimeSpan.FromMinutes(30));
        queue.Add("recent", "admin");
        queue.Complete("recent", OperationOutcome.Completed);

        time.Advance(Lifetime - TimeSpan.FromMinutes(30) + TimeSpan.FromMinutes(2));
        queue.Add("trigger", "admin");

        Assert.Equal(QueueState.Unknown, queue.Poll("old", out _));
        Assert.Equal(QueueState.Finished, queue.Poll("recent", out _));
        Assert.Equal(QueueState.Pending, queue.Poll("trigger", out _));
    }

    [Fact]
    public void Add_BeforeTheLifetime_KeepsUnreadResults()
    {
        var queue = new OperationQueue(time, Lifetime);
        queue.Add("op1", "admin");
        queue.Complete("op1", OperationOutcome.Completed);

        time.Advance(Lifetime - TimeSpan.FromMinutes(1));
        queue.Add("trigger", "admin");

        Assert.Equal(QueueState.Finished, queue.Poll("op1", out _));
    }

    [Fact]
    public void Add_LongAfterStart_NeverDropsPendingOperations()
    {
        var queue = new OperationQueue(time, Lifetime);
        queue.Add("slow", "admin");

        time.Advance(Lifetime * 5);
        queue.Add("trigger", "admin");

        Assert.Equal(QueueState.Pending, queue.Poll("slow", out _));
    }

    [Fact]
    public void Add_ResultsFinishedLateInALongOperation_ExpireFromTheirFinishTime()
    {
        var queue = new OperationQueue(time, Lifetime);
        queue.Add("slow", "admin");
        time.Advance(Lifetime * 2);
        queue.Complete("slow", OperationOutcome.Completed);

        time.Advance(TimeSpan.FromMinutes(5));
        queue.Add("trigger", "admin");

        Assert.Equal(QueueState.Finished, queue.Poll("slow", out _));
    }

    [Fact]
    public async Task WaitAsync_ReturnsWhenTheOperationCompletes_WithoutReadingIt()
    {
        var queue = new OperationQueue(time, Lifetime);
        queue.Add("op1", "admin");

        var wait = queue.WaitAsync("op1", TimeSpan.FromMinutes(5), Ct);
        Assert.False(wait.IsCompleted);

        queue.Complete("op1", OperationOutcome.Completed);
        await wait.WaitAsync(Bound, Ct);

        Assert.Equal(QueueState.Finished, queue.Poll("op1", out _));
    }

    [Fact]
    public async Task WaitAsync_TimeoutPasses_ReturnsWithTheOperationStillPending()
    {
        var queue = new OperationQueue(time, Lifetime);
        queue.Add("op1", "admin");

        var wait = queue.WaitAsync("op1", TimeSpan.FromSeconds(10), Ct);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(wait.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(2));
        await wait.WaitAsync(Bound, Ct);

        Assert.Equal(QueueState.Pending, queue.Poll("op1", out _));
    }

    [Fact]
    public async Task WaitAsync_UnknownIdOrNoTimeout_ReturnsAtOnce()
    {
        var queue = new OperationQueue(time, Lifetime);
        queue.Add("op1", "admin");

        await queue.WaitAsync("unknown", TimeSpan.FromMinutes(5), Ct).WaitAsync(Bound, Ct);
        await queue.WaitAsync("op1", TimeSpan.Zero, Ct).WaitAsync(Bound, Ct);
        Assert.Equal(QueueState.Pending, queue.Poll("op1", out _));
    }

    [Fact]
    public async Task WaitAsync_Cancelled_Throws()
    {
        var queue = new OperationQueue(time, Lifetime);
        queue.Add("op1", "admin");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var wait = queue.WaitAsync("op1", TimeSpan.FromMinutes(5), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Bound, Ct));
    }
}
