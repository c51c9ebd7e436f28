namespace Aplo.Server.Configuration;

/// <summary>The configuration is unusable; the message says which key and why. The server exits.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException()
    {
    }

    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
