namespace Aplo.Cli.Tests;

/// <summary>
/// The aplo binary the process tests run: <c>APLO_CLI_BINARY</c> when set (scripts/test points it at the Native AOT
/// binary <c>make build</c> publishes, which is what users run), else the JIT build beside the tests.
/// </summary>
internal static class AploBinary
{
    public static string Path
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("APLO_CLI_BINARY");
            if (string.IsNullOrEmpty(path))
            {
                return System.IO.Path.Combine(AppContext.BaseDirectory, "aplo");
            }

            return File.Exists(path) ? path : throw new FileNotFoundException($"APLO_CLI_BINARY names no file: {path}", path);
        }
    }
}
