using Aplo.Executors.Transports;

namespace Aplo.Executors.Tests;

/// <summary>
/// Records every command and answers from a script: the most recently added rule whose text occurs in the
/// command decides; a rule with several results gives them in turn and then repeats the last. Anything
/// unscripted succeeds with no output.
/// </summary>
public sealed class FakeTransport(TimeProvider? time = null) : ICommandTransport
{
    private readonly Lock gate = new();
    private readonly List<Rule> rules = [];
    private readonly List<FakeCall> calls = [];
    private readonly TimeProvider time = time ?? TimeProvider.System;

    /// <summary>Awaited before answering: lets a test hold commands in flight.</summary>
    public Func<string, string, CancellationToken, Task>? Before { get; set; }

    public IReadOnlyList<FakeCall> Calls
    {
        get
        {
            lock (gate)
            {
                return [.. calls];
            }
        }
    }

    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (gate)
            {
                return [.. calls.Select(c => c.Command)];
            }
        }
    }

    public FakeTransport On(string contains, params CommandResult[] results)
    {
        lock (gate)
        {
            rules.Add(new Rule(contains, new Queue<CommandResult>(results)));
        }

        return this;
    }

    public FakeTransport OnFail(string contains, string stderr, int exitCode = 1) => On(contains, CommandResult.Failure(exitCode, stderr));

    /// <summary>Answers LVM's reports as a fresh 10 GiB device (2559 extents of 4 MiB) would.</summary>
    public FakeTransport WithLvmReports(string volumeGroup, string device, long freeExtents = 2559) =>
        On("lvm pvs", CommandResult.Success(LvmSamples.Pvs(device, volumeGroup)))
            .On("lvm vgs", CommandResult.Success(LvmSamples.Vgs(volumeGroup, 2559, freeExtents)))
            .On("thin_count", CommandResult.Success("    0\n"));

    public async Task<CommandResult> RunAsync(string host, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        CommandResult result;
        lock (gate)
        {
            calls.Add(new FakeCall(host, command, timeout, time.GetUtcNow()));
            result = CommandResult.Success();
            for (var i = rules.Count - 1; i >= 0; i--)
            {
                if (command.Contains(rules[i].Contains, StringComparison.Ordinal))
                {
                    var queue = rules[i].Results;
                    result = queue.Count > 1 ? queue.Dequeue() : queue.Peek();
                    break;
                }
            }
        }

        if (Before is { } before)
        {
            await before(host, command, cancellationToken);
        }

        return result;
    }

    private sealed record Rule(string Contains, Queue<CommandResult> Results);
}
