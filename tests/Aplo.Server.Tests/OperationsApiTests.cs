using System.Net;
using System.Text.Json;
using Aplo.Core.Execution;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

/// <summary>Heketi's /operations routes.</summary>
public sealed class OperationsApiTests : ApiTestBase
{
    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Fact]
    public async Task Summary_WithNothingPending_IsAllZeros()
    {
        Assert.Equal("""{"total":0,"in_flight":0,"stale":0,"failed":0,"new":0}""", await ExpectAsync(HttpStatusCode.OK, "GET", "/operations"));
        Assert.Equal("""{"pendingoperations":[]}""", await ExpectAsync(HttpStatusCode.OK, "GET", "/operations/pending"));
        Assert.Equal("Id not found", await ExpectAsync(HttpStatusCode.NotFound, "GET", "/operations/pending/" + new string('a', 32)));
    }

    [Fact]
    public async Task RunningCreate_IsListedInFlightWithItsChanges()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        Host.Executor.BeforeCommand = (m, _) => m == "VolumeCreateAsync" ? release.Task : Task.CompletedTask;
        using var accepted = await SendAsync("POST", "/volumes", """{"size":1,"durability":{"type":"replicate","replicate":{"replica":3}}}""");
        var op = accepted.Headers.Location!.OriginalString["/queue/".Length..];

        using (var summary = JsonDocument.Parse(await ExpectAsync(HttpStatusCode.OK, "GET", "/operations")))
        {
            Assert.Equal(1, summary.RootElement.GetProperty("total").GetInt32());
            Assert.Equal(1, summary.RootElement.GetProperty("in_flight").GetInt32());
            Assert.Equal(1, summary.RootElement.GetProperty("new").GetInt32());
        }

        using (var list = JsonDocument.Parse(await ExpectAsync(HttpStatusCode.OK, "GET", "/operations/pending")))
        {
            var entry = Assert.Single(list.RootElement.GetProperty("pendingoperations").EnumerateArray());
            Assert.Equal(op, entry.GetProperty("id").GetString());
            Assert.Equal("create-volume", entry.GetProperty("type_name").GetString());
            Assert.Equal("in-flight", entry.GetProperty("sub_status").GetString());
            Assert.False(entry.TryGetProperty("changes", out _));
        }

        using (var one = JsonDocument.Parse(await ExpectAsync(HttpStatusCode.OK, "GET", "/operations/pending/" + op)))
        {
            Assert.Equal(4, one.RootElement.GetProperty("changes").GetArrayLength());
        }

        Assert.Contains("in flight", await ExpectAsync(HttpStatusCode.Conflict, "POST", "/operations/pending/cleanup", $$"""{"operations":["{{op}}"]}"""), StringComparison.Ordinal);
        release.SetResult();
        using var done = await Admin.WaitAsync(accepted.Headers.Location!.OriginalString, Ct);
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        Assert.Equal("""{"pendingoperations":[]}""", await ExpectAsync(HttpStatusCode.OK, "GET", "/operations/pending"));
    }

    [Fact]
    public async Task Cleanup_FinishesAFailedRollback_AndFreesItsSpace()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var victim = built.Nodes[2].Hostnames.Manage[0];

        // The volume create fails, and so does removing the bricks: the operation is kept, failed, space charged.
        Host.Executor.BeforeCommand = (m, host) => m is "VolumeCreateAsync" || (m == "BrickDestroyAsync" && host == victim)
            ? Task.FromException(new ExecutorException(host, "connection reset"))
            : Task.CompletedTask;
        using (var failed = await AcceptedThenAsync("POST", "/volumes", """{"size":10,"durability":{"type":"replicate","replicate":{"replica":3}}}"""))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        using (var summary = JsonDocument.Parse(await ExpectAsync(HttpStatusCode.OK, "GET", "/operations")))
        {
            Assert.Equal(1, summary.RootElement.GetProperty("failed").GetInt32());
        }

        Assert.True((await Admin.DeviceInfoAsync(built.Nodes[2].Devices[0].Id, Ct)).Storage.Used > 0);

        Host.Executor.BeforeCommand = null;
        using (var cleaned = await AcceptedThenAsync("POST", "/operations/pending/cleanup", "{}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, cleaned.StatusCode);
        }

        Assert.Equal("""{"total":0,"in_flight":0,"stale":0,"failed":0,"new":0}""", await ExpectAsync(HttpStatusCode.OK, "GET", "/operations"));
        foreach (var node in built.Nodes)
        {
            Assert.Equal(0, (await Admin.DeviceInfoAsync(node.Devices[0].Id, Ct)).Storage.Used);
            Assert.Empty(Host.Executor.ThinPools(node.Hostnames.Manage[0]));
        }
    }

    [Theory]
    [InlineData("""{"operations":["zz"]}""", 400)]
    [InlineData("""{"operations":"all"}""", 422)]
    [InlineData("""{"operations":["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]}""", 404)]
    public async Task Cleanup_BadRequests_AreRefused(string body, int status)
    {
        await ExpectAsync((HttpStatusCode)status, "POST", "/operations/pending/cleanup", body);
    }

    [Fact]
    public async Task Cleanup_MoreThan32_Is400()
    {
        var ids = string.Join(",", Enumerable.Range(0, 33).Select(i => $"\"{i:x32}\""));
        Assert.Contains("at most 32", await ExpectAsync(HttpStatusCode.BadRequest, "POST", "/operations/pending/cleanup", $$"""{"operations":[{{ids}}]}"""), StringComparison.Ordinal);
    }

    public override async ValueTask DisposeAsync()
    {
        release.TrySetResult();
        await base.DisposeAsync();
    }
}
