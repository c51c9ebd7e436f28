using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Aplo.Executors.Simulated;
using Aplo.Executors.Testing;

namespace Aplo.Executors.Tests;

/// <summary>
/// The test-only fault plan and the executor that carries it out, around the simulated nodes. Only the Fail
/// action is run here: Kill would SIGKILL the test process (the lab's crash tests run it in a server process).
/// </summary>
public sealed class FaultInjectionTests
{
    private const string Node1 = "node1.example";
    private const string Node2 = "node2.example";

    private readonly SimulatedExecutor nodes = new(100 * Units.GiB);
    private readonly List<string> announced = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("fail:BrickCreate", FaultAction.Fail, "BrickCreate", null, 1, false)]
    [InlineData("kill:VolumeCreate#3", FaultAction.Kill, "VolumeCreate", null, 3, false)]
    [InlineData("fail:VolumeExpand:after", FaultAction.Fail, "VolumeExpand", null, 1, true)]
    [InlineData("kill:DeviceSetup:before", FaultAction.Kill, "DeviceSetup", null, 1, false)]
    [InlineData("fail:BrickCreate@node2.example#2:after", FaultAction.Fail, "BrickCreate", "node2.example", 2, true)]
    [InlineData("fail:BrickDestroy@10.0.0.7", FaultAction.Fail, "BrickDestroy", "10.0.0.7", 1, false)]
    [InlineData("fail:BrickDestroy@node-2.example:after", FaultAction.Fail, "BrickDestroy", "node-2.example", 1, true)]
    [InlineData("fail:VolumeDestroy@fd00::7:after", FaultAction.Fail, "VolumeDestroy", "fd00::7", 1, true)]
    [InlineData("fail:NodeInventory#9999", FaultAction.Fail, "NodeInventory", null, 9999, false)]
    public void Parse_ValidSpecs(string spec, FaultAction action, string method, string? host, int call, bool after)
    {
        Assert.Equal(new FaultPlan(action, method, host, call, after), FaultPlan.Parse(spec));
    }

    [Theory]
    [InlineData("")]
    [InlineData("fail")]
    [InlineData("fail:")]
    [InlineData("crash:BrickCreate")]
    [InlineData("Fail:BrickCreate")]
    [InlineData("fail:BrickCreateAsync")]
    [InlineData("fail:NoSuchMethod")]
    [InlineData("fail:Brick Create")]
    [InlineData("fail:BrickCreate#0")]
    [InlineData("fail:BrickCreate#-1")]
    [InlineData("fail:BrickCreate#x")]
    [InlineData("fail:BrickCreate#10000")]
    [InlineData("fail:BrickCreate:during")]
    [InlineData("fail:BrickCreate@")]
    [InlineData("fail:BrickCreate@node_1")]
    [InlineData("fail:BrickCreate#1:after ")]
    public void Parse_BadSpec_IsAFormatErrorNamingTheVariable(string spec)
    {
        var ex = Assert.Throws<FormatException>(() => FaultPlan.Parse(spec));

        Assert.StartsWith("APLO_TEST_FAULT=", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_IsAFormatError()
    {
        Assert.Throws<FormatException>(() => FaultPlan.Parse(null!));
    }

    [Fact]
    public void Methods_AreEveryExecutorMethodWithoutAsync()
    {
        Assert.Equal(typeof(IExecutor).GetMethods().Length, FaultPlan.Methods.Count);
        Assert.Contains("BrickCreate", FaultPlan.Methods);
        Assert.Contains("NodeInventory", FaultPlan.Methods);
        Assert.DoesNotContain(FaultPlan.Methods, m => m.EndsWith("Async", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("fail:BrickCreate", "fail:BrickCreate#1:before")]
    [InlineData("kill:VolumeExpand@node2.example:after", "kill:VolumeExpand@node2.example#1:after")]
    public void ToString_IsTheFullSpec_AndParsesBack(string spec, string full)
    {
        var plan = FaultPlan.Parse(spec);

        Assert.Equal(full, plan.ToString());
        Assert.Equal(plan, FaultPlan.Parse(plan.ToString()));
    }

    [Fact]
    public async Task FailBefore_NthCall_FailsWithoutRunning_OthersRun()
    {
        var executor = Inject("fail:BrickCreate#2");
        await SetUpAsync(executor, Node1);

        await executor.BrickCreateAsync(Node1, Brick("b1"), Ct);
        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.BrickCreateAsync(Node1, Brick("b2"), Ct));
        await executor.BrickCreateAsync(Node1, Brick("b3"), Ct);

        Assert.Equal(Node1, ex.Host);
        Assert.Equal("node1.example: injected failure: fail:BrickCreate#2:before reached (BrickCreate on node1.example)", ex.Message);
        Assert.Equal(["vg_d1/tp_b1", "vg_d1/tp_b3"], nodes.ThinPools(Node1).Order(StringComparer.Ordinal));
        Assert.Equal(["fail:BrickCreate#2:before reached (BrickCreate on node1.example)"], announced);
    }

    [Fact]
    public async Task FailAfter_TheCallRan_ButItsReplyIsLost()
    {
        var executor = Inject("fail:BrickCreate:after");
        await SetUpAsync(executor, Node1);

        await Assert.ThrowsAsync<ExecutorException>(() => executor.BrickCreateAsync(Node1, Brick("b1"), Ct));

        Assert.Equal(["vg_d1/tp_b1"], nodes.ThinPools(Node1));
        Assert.Single(announced);
    }

    [Fact]
    public async Task FailAfter_CallThatReturnsAValue_RunsAndStillFails()
    {
        var executor = Inject("fail:DeviceSetup:after");

        await Assert.ThrowsAsync<ExecutorException>(() => executor.DeviceSetupAsync(Node1, new DeviceRequest("d1", "/dev/sdb", false), Ct));

        // The volume group was made: a second setup is refused, and it can be read.
        Assert.Equal(100 * Units.GiB, (await nodes.DeviceInfoAsync(Node1, new DeviceRequest("d1", "/dev/sdb", false), Ct)).TotalKiB);
    }

    [Fact]
    public async Task CallThatFailsByItself_IsCountedAndItsOwnErrorPasses()
    {
        var executor = Inject("fail:DeviceInfo#2");

        // No volume group: the simulated node refuses the first call itself, and that call still counts.
        var own = await Assert.ThrowsAsync<ExecutorException>(() => executor.DeviceInfoAsync(Node1, new DeviceRequest("d1", "/dev/sdb", false), Ct));
        var injected = await Assert.ThrowsAsync<ExecutorException>(() => executor.DeviceInfoAsync(Node1, new DeviceRequest("d1", "/dev/sdb", false), Ct));

        Assert.Contains("not found", own.Message, StringComparison.Ordinal);
        Assert.StartsWith("node1.example: injected failure", injected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_OnlyCallsOnThatHostCount()
    {
        var executor = Inject("fail:BrickCreate@NODE2.example#2");
        await SetUpAsync(executor, Node1);
        await SetUpAsync(executor, Node2);

        await executor.BrickCreateAsync(Node2, Brick("b1"), Ct);
        await executor.BrickCreateAsync(Node1, Brick("b2"), Ct);
        await executor.BrickCreateAsync(Node1, Brick("b3"), Ct);
        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.BrickCreateAsync(Node2, Brick("b4"), Ct));

        Assert.Equal(Node2, ex.Host);
        Assert.Equal(["vg_d1/tp_b1"], nodes.ThinPools(Node2));
        Assert.Equal(2, nodes.ThinPools(Node1).Count);
    }

    [Fact]
    public async Task NoHost_CallsOnEveryHostCount()
    {
        var executor = Inject("fail:BrickCreate#2");
        await SetUpAsync(executor, Node1);
        await SetUpAsync(executor, Node2);

        await executor.BrickCreateAsync(Node2, Brick("b1"), Ct);
        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.BrickCreateAsync(Node1, Brick("b2"), Ct));

        Assert.Equal(Node1, ex.Host);
    }

    [Fact]
    public async Task OtherMethods_NeitherCountNorFail()
    {
        var executor = Inject("fail:VolumeCreate");
        await SetUpAsync(executor, Node1);

        await executor.GlusterdCheckAsync(Node1, Ct);
        await executor.BrickCreateAsync(Node1, Brick("b1"), Ct);
        Assert.Empty(await executor.VolumesAsync(Node1, Ct));
        Assert.Single((await executor.NodeInventoryAsync(Node1, Ct)).VolumeGroups);
        Assert.True(await executor.BrickDestroyAsync(Node1, Brick("b1"), Ct));
        Assert.Empty(announced);

        await Assert.ThrowsAsync<ExecutorException>(() =>
            executor.VolumeCreateAsync(Node1, new VolumeRequest("vol1", new Durability(DurabilityType.None, 1, 0, 0, false), [], []), Ct));
    }

    [Fact]
    public async Task PassesResultsThrough()
    {
        var executor = Inject("fail:PeerDetach");

        var space = await executor.DeviceSetupAsync(Node1, new DeviceRequest("d1", "/dev/sdb", false), Ct);
        await executor.BrickCreateAsync(Node1, Brick("b1"), Ct);
        await executor.VolumeCreateAsync(Node1, new VolumeRequest("vol1", new Durability(DurabilityType.None, 1, 0, 0, false), [new BrickAddress(Node1, "/m/vg_d1/brick_b1/brick")], []), Ct);

        Assert.Equal(100 * Units.GiB, space.TotalKiB);
        Assert.Equal(["node1.example:/m/vg_d1/brick_b1/brick"], await executor.VolumeBricksAsync(Node1, "vol1", Ct));
        Assert.Null(await executor.VolumeBricksAsync(Node1, "vol2", Ct));
        Assert.Equal("vol1", Assert.Single(await executor.VolumesAsync(Node1, Ct)).Name);
        Assert.Equal(2, (await executor.NodeInventoryAsync(Node1, Ct)).LogicalVolumes.Count);
    }

    [Fact]
    public async Task ConcurrentCalls_OnlyTheNthFails_Once()
    {
        var executor = Inject("fail:GlusterdCheck#17");

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            try
            {
                await executor.GlusterdCheckAsync(Node1, Ct);
                return true;
            }
            catch (ExecutorException)
            {
                return false;
            }
        }));

        Assert.Single(results, ok => !ok);
        Assert.Single(announced);
    }

    [Fact]
    public void Plan_IsThePlanGiven()
    {
        var plan = FaultPlan.Parse("fail:VolumeDestroy");

        Assert.Same(plan, new FaultInjectingExecutor(nodes, plan).Plan);
    }

    private FaultInjectingExecutor Inject(string spec) =>
        new(nodes, FaultPlan.Parse(spec), what =>
        {
            lock (announced)
            {
                announced.Add(what);
            }
        });

    private static Task SetUpAsync(IExecutor executor, string host) =>
        executor.DeviceSetupAsync(host, new DeviceRequest("d1", "/dev/sdb", false), Ct);

    private static BrickRequest Brick(string id) =>
        new(id, "vg_d1", $"/m/vg_d1/brick_{id}/brick", Units.GiB, Units.GiB, 8 * Units.MiB, 0, BrickRole.Data);
}
