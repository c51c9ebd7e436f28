using System.Net;
using Microsoft.Extensions.Logging;

namespace Aplo.Server.Tests;

/// <summary>Heketi's /internal/logging (heketi-cli loglevel get|set).</summary>
public sealed class LoggingApiTests : ApiTestBase
{
    [Fact]
    public async Task Get_AnswersTheConfiguredLevel_AndSetChangesIt()
    {
        // The test host starts with loglevel none.
        Assert.Equal("""{"loglevel":{"glusterfs":"none"}}""", await ExpectAsync(HttpStatusCode.OK, "GET", "/internal/logging"));
        Assert.Equal("""{"loglevel":{"glusterfs":"debug"}}""", await ExpectAsync(HttpStatusCode.OK, "POST", "/internal/logging", """{"loglevel":{"glusterfs":"debug"}}"""));
        Assert.Equal("""{"loglevel":{"glusterfs":"debug"}}""", await ExpectAsync(HttpStatusCode.OK, "GET", "/internal/logging"));
    }

    [Fact]
    public async Task Set_RefusesUnknownLoggersAndLevels()
    {
        await ExpectAsync(HttpStatusCode.UnprocessableEntity, "POST", "/internal/logging", """{"loglevel":{"other":"debug"}}""");
        Assert.Contains("'loud' is not one of", await ExpectAsync(HttpStatusCode.BadRequest, "POST", "/internal/logging", """{"loglevel":{"glusterfs":"loud"}}"""), StringComparison.Ordinal);
        Assert.Equal("""{"loglevel":{"glusterfs":"none"}}""", await ExpectAsync(HttpStatusCode.OK, "GET", "/internal/logging"));
    }

    [Fact]
    public void Switch_MapsHeketiNamesToLevels()
    {
        var level = new Endpoints.LogLevelSwitch("warning");
        Assert.Equal(LogLevel.Warning, level.Minimum);
        level.Level = "debug";
        Assert.Equal(LogLevel.Debug, level.Minimum);
        Assert.Throws<ArgumentOutOfRangeException>(() => level.Level = "loud");
        Assert.Equal(LogLevel.None, new Endpoints.LogLevelSwitch("none").Minimum);
    }
}
