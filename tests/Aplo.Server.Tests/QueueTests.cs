using System.Net;
using Aplo.Contracts;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

public sealed class QueueTests : ApiTestBase
{
    [Fact]
    public async Task Queue_IsPendingWhileRunning_ThenAnswersOnce_ThenForgets()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Host.Executor.BeforeCommand = (method, _) => method == "VolumeCreateAsync" ? release.Task : Task.CompletedTask;

        using var accepted = await SendAsync("POST", "/volumes", """{"size":1}""");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var location = accepted.Headers.Location!.OriginalString;
        Assert.Matches("^/queue/[0-9a-f]{32}$", location);
        Assert.Equal(string.Empty, await accepted.Content.ReadAsStringAsync(Ct));

        using (var pending = await SendAsync("GET", location))
        {
            Assert.Equal(HttpStatusCode.OK, pending.StatusCode);
            Assert.Equal("true", Assert.Single(pending.Headers.GetValues("X-Pending")));
            Assert.Equal(string.Empty, await pending.Content.ReadAsStringAsync(Ct));
        }

        // A pending volume is hidden from list and info, as in Heketi.
        Assert.Empty((await Admin.VolumeListAsync(Ct)).Volumes);

        release.SetResult();
        using (var done = await Admin.WaitAsync(location, Ct))
        {
            Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
            Assert.Matches("^/volumes/[0-9a-f]{32}$", done.Headers.Location!.OriginalString);
        }

        Assert.Equal("Id not found", await ExpectAsync(HttpStatusCode.NotFound, "GET", location));
    }

    [Fact]
    public async Task Queue_FailedOperation_Is500WithTheError()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        Host.Executor.BeforeCommand = (method, host) => method == "VolumeCreateAsync"
            ? Task.FromException(new Aplo.Core.Execution.ExecutorException(host, "volume create: failed: Another transaction is in progress"))
            : Task.CompletedTask;
        using var done = await AcceptedThenAsync("POST", "/volumes", """{"size":1}""");
        Assert.Equal(HttpStatusCode.InternalServerError, done.StatusCode);
        Assert.Contains("Another transaction is in progress", await done.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("text/plain; charset=utf-8", done.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Queue_ResultSurvivesARestart_AndIsStillReadOnce()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        using var accepted = await SendAsync("POST", "/volumes", """{"size":1}""");
        var location = accepted.Headers.Location!.OriginalString;

        // Let it finish without reading it, then restart.
        var topology = (Aplo.Core.Topology.TopologyManager)Host.App.Services.GetService(typeof(Aplo.Core.Topology.TopologyManager))!;
        while (topology.Read(m => m.QueueResults.ContainsKey(location["/queue/".Length..])) is false)
        {
            await Task.Delay(5, Ct);
        }

        await RestartAsync();

        using (var done = await SendAsync("GET", location))
        {
            Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
            Assert.Matches("^/volumes/[0-9a-f]{32}$", done.Headers.Location!.OriginalString);
        }

        Assert.Equal("Id not found", await ExpectAsync(HttpStatusCode.NotFound, "GET", location));
        await RestartAsync();
        Assert.Equal("Id not found", await ExpectAsync(HttpStatusCode.NotFound, "GET", location));
    }

    [Fact]
    public async Task Queue_UnknownId_Is404()
    {
        Assert.Equal("Id not found", await ExpectAsync(HttpStatusCode.NotFound, "GET", "/queue/" + new string('e', 32)));
    }

    [Fact]
    public async Task Throttle_PastMaxInflight_Answers429_AndAdmitsAgainOnceDone()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Host.Executor.BeforeCommand = (method, _) => method == "VolumeCreateAsync" ? release.Task : Task.CompletedTask;
        var locations = new List<string>();
        for (var i = 0; i < Host.Options.Gluster.MaxInflightOperations; i++)
        {
            using var accepted = await SendAsync("POST", "/volumes", """{"size":1}""");
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            locations.Add(accepted.Headers.Location!.OriginalString);
        }

        Assert.Equal("Server busy. Retry operation later.", await ExpectAsync(HttpStatusCode.TooManyRequests, "POST", "/volumes", """{"size":1}"""));
        release.SetResult();
        foreach (var location in locations)
        {
            using var done = await Admin.WaitAsync(location, Ct);
            Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        }

        await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 1 }, Ct);
    }
}
