namespace Forwarder.Ipvsadm.Control;

/// <summary>Where the director's control socket is: the default path, or FORWARDER_SOCKET when set.</summary>
public static class ControlSocketPath
{
    public const string Default = "/run/forwarder/forwarder.sock";

    public const string EnvironmentVariable = "FORWARDER_SOCKET";

    /// <summary>An explicit path wins, then the environment variable, then the default.</summary>
    public static string Resolve(string? explicitPath, string? environmentValue) =>
        !string.IsNullOrEmpty(explicitPath) ? explicitPath
        : !string.IsNullOrEmpty(environmentValue) ? environmentValue
        : Default;
}
