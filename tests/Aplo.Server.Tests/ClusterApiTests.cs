using System.Net;
using System.Text.Json;
using Aplo.Contracts;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

public sealed class ClusterApiTests : ApiTestBase
{
    [Fact]
    public async Task Hello_AnswersHeketisTextWithoutAToken()
    {
        using var raw = Host.Raw();
        using var response = await raw.GetAsync("/hello", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello from Heketi", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Create_Answers201WithEmptyArraysNeverNull()
    {
        using var response = await SendAsync("POST", "/clusters", """{"file":true,"block":false}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = doc.RootElement;
        Assert.Matches("^[0-9a-f]{32}$", root.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("nodes").ValueKind);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("volumes").ValueKind);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("blockvolumes").ValueKind);
        Assert.True(root.GetProperty("file").GetBoolean());
        Assert.False(root.GetProperty("block").GetBoolean());
    }

    [Fact]
    public async Task Create_WithEmptyBody_Is422()
    {
        Assert.Equal("request unable to be parsed", await ExpectAsync(HttpStatusCode.UnprocessableEntity, "POST", "/clusters", string.Empty));
    }

    [Fact]
    public async Task Create_WithWrongTypes_Is422AndStoresNothing()
    {
        await ExpectAsync(HttpStatusCode.UnprocessableEntity, "POST", "/clusters", """{"file":"yes"}""");
        var list = await Admin.ClusterListAsync(Ct);
        Assert.Empty(list.Clusters);
    }

    [Fact]
    public async Task ListInfoFlagsDelete_FollowHeketisStatusCodes()
    {
        var a = await Admin.ClusterCreateAsync(new ClusterCreateRequest { File = true }, Ct);
        var b = await Admin.ClusterCreateAsync(new ClusterCreateRequest { Block = true }, Ct);
        var list = await Admin.ClusterListAsync(Ct);
        Assert.Equal(new[] { a.Id, b.Id }.Order(StringComparer.Ordinal), list.Clusters);

        Assert.Equal(string.Empty, await ExpectAsync(HttpStatusCode.OK, "POST", $"/clusters/{a.Id}/flags", """{"file":false,"block":true}"""));
        var info = await Admin.ClusterInfoAsync(a.Id, Ct);
        Assert.False(info.File);
        Assert.True(info.Block);

        Assert.Equal(string.Empty, await ExpectAsync(HttpStatusCode.OK, "DELETE", $"/clusters/{a.Id}"));
        Assert.Equal("Id not found", await ExpectAsync(HttpStatusCode.NotFound, "GET", $"/clusters/{a.Id}"));
        Assert.Equal("Id not found", await ExpectAsync(HttpStatusCode.NotFound, "DELETE", $"/clusters/{a.Id}"));
    }

    [Fact]
    public async Task Delete_WithNodes_Is409AndKeepsTheCluster()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 1, 1, 0, Ct);
        var text = await ExpectAsync(HttpStatusCode.Conflict, "DELETE", $"/clusters/{built.Id}");
        Assert.Equal($"Unable to delete cluster [{built.Id}] because it contains volumes and/or nodes", text);
        Assert.Single((await Admin.ClusterInfoAsync(built.Id, Ct)).Nodes);
    }

    [Fact]
    public async Task Router_UnknownPathIs404_WrongMethodIs405_TrailingSlashIs301()
    {
        Assert.Equal("Invalid path or request", await ExpectAsync(HttpStatusCode.NotFound, "GET", "/nothing-here"));
        Assert.Equal("Invalid path or request", await ExpectAsync(HttpStatusCode.NotFound, "GET", "/clusters/not-hex"));
        await ExpectAsync(HttpStatusCode.MethodNotAllowed, "PUT", "/clusters");
        using var slash = await SendAsync("GET", "/clusters/");
        Assert.Equal(HttpStatusCode.MovedPermanently, slash.StatusCode);
        Assert.Equal("/clusters", slash.Headers.Location!.OriginalString);
    }
}
