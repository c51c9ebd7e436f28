using Aplo.Core.Execution;
using Aplo.Executors.Gluster;
using Aplo.Executors.Transports;
using Microsoft.Extensions.Time.Testing;

namespace Aplo.Executors.Tests;

public sealed class RetryTests
{
    private const string Host = "10.0.0.1";
    private const string Busy = "volume create: vol1: failed: Another transaction is in progress for vol1. Please try again after some time.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VolumeCreate_AnotherTransactionInProgressTwice_RetriesWithDoublingDelaysThenSucceeds()
    {
        var time = new FakeTimeProvider();
        var transport = new FakeTransport(time).On("volume create", CommandResult.Failure(1, Busy), CommandResult.Failure(1, Busy), CommandResult.Success());
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default, time: time);

        await DriveAsync(time, executor.VolumeCreateAsync(Host, Requests.Volume(Requests.Replica3, 3), Ct));

        var creates = transport.Calls.Where(c => c.Command.Contains("volume create", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, creates.Count);
        Assert.True(creates[1].At - creates[0].At >= TimeSpan.FromSeconds(2));
        Assert.True(creates[2].At - creates[1].At >= TimeSpan.FromSeconds(4));
        Assert.EndsWith("volume start 'vol1'", transport.Commands[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task VolumeCreate_LockingFailedOnPeer_IsRetried()
    {
        var time = new FakeTimeProvider();
        var transport = new FakeTransport(time)
            .On("volume start", CommandResult.Failure(1, "volume start: vol1: failed: Locking failed on 10.0.0.3. Please check log file for details."), CommandResult.Success());
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default, time: time);

        await DriveAsync(time, executor.VolumeCreateAsync(Host, Requests.Volume(Requests.Replica3, 3), Ct));

        Assert.Equal(2, transport.Commands.Count(c => c.Contains("volume start", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task VolumeCreate_AlwaysBusy_GivesUpAfterTheBoundWithTheMessage()
    {
        var time = new FakeTimeProvider();
        var transport = new FakeTransport(time).On("volume create", CommandResult.Failure(1, Busy));
        var settings = ExecutorSettings.Default with { TransientRetries = 3, RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(3) };
        var executor = new GlusterExecutor(transport, settings, time: time);

        var ex = await Assert.ThrowsAsync<ExecutorException>(
            () => DriveAsync(time, executor.VolumeCreateAsync(Host, Requests.Volume(Requests.Replica3, 3), Ct)));

        Assert.Equal(4, transport.Commands.Count);
        Assert.Contains("Another transaction is in progress", ex.Message, StringComparison.Ordinal);
        Assert.Contains("still busy after 4 attempts", ex.Message, StringComparison.Ordinal);
        var gaps = transport.Calls.Zip(transport.Calls.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.True(gaps[0] >= TimeSpan.FromSeconds(1) && gaps[1] >= TimeSpan.FromSeconds(2) && gaps[2] >= TimeSpan.FromSeconds(3));
        Assert.True(gaps[2] < TimeSpan.FromSeconds(4), "the delay is capped at MaxRetryDelay");
    }

    [Fact]
    public async Task VolumeCreate_PermanentError_IsNotRetried()
    {
        var time = new FakeTimeProvider();
        var transport = new FakeTransport(time).OnFail("volume create", "volume create: vol1: failed: Volume vol1 already exists");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default, time: time);

        await Assert.ThrowsAsync<ExecutorException>(() => executor.VolumeCreateAsync(Host, Requests.Volume(Requests.Replica3, 3), Ct));

        Assert.Single(transport.Commands);
    }

    [Fact]
    public async Task VolumeDestroy_BusyThenGone_RetriesAndTreatsGoneAsDone()
    {
        var time = new FakeTimeProvider();
        var transport = new FakeTransport(time)
            .On("volume stop", CommandResult.Failure(1, "volume stop: vol1: failed: Another transaction is in progress for vol1."), CommandResult.Success())
            .OnFail("volume delete", "volume delete: vol1: failed: Volume vol1 does not exist");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default, time: time);

        await DriveAsync(time, executor.VolumeDestroyAsync(Host, "vol1", Ct));

        Assert.Equal(3, transport.Commands.Count);
    }

    /// <summary>Moves the fake clock on until the call completes; bounded so a bug cannot hang the run.</summary>
    private static async Task DriveAsync(FakeTimeProvider time, Task call)
    {
        for (var i = 0; i < 1000 && !call.IsCompleted; i++)
        {
            await Task.WhenAny(call, Task.Delay(TimeSpan.FromMilliseconds(5), TestContext.Current.CancellationToken));
            if (!call.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(500));
            }
        }

        await call;
    }
}
