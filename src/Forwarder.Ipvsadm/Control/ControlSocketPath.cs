using System.Net.Sockets;
using System.Text;

namespace Forwarder.Ipvsadm.Control;

/// <summary>Where the director's control socket is: the default path, or FORWARDER_SOCKET when set.</summary>
public static class ControlSocketPath
{
    public const string Default = "/run/forwarder/forwarder.sock";

    public const string EnvironmentVariable = "FORWARDER_SOCKET";

    /// <summary>
    /// The longest path a Unix socket can have: struct sockaddr_un's sun_path is 108 bytes and holds the
    /// path's terminating NUL too (unix(7)).
    /// </summary>
    public const int MaximumBytes = 107;

    /// <summary>An explicit path wins, then the environment variable, then the default.</summary>
    public static string Resolve(string? explicitPath, string? environmentValue) =>
        !string.IsNullOrEmpty(explicitPath) ? explicitPath
        : !string.IsNullOrEmpty(environmentValue) ? environmentValue
        : Default;

    /// <summary>
    /// The address to bind or connect to. Director and client both come here, so a path no socket can have is
    /// refused in the same words on both sides, with an <see cref="ArgumentException"/>.
    /// </summary>
    public static UnixDomainSocketEndPoint EndPoint(string path)
    {
        var bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes == 0)
        {
            throw new ArgumentException("the control socket path is empty");
        }
        if (bytes > MaximumBytes)
        {
            throw new ArgumentException(
                $"the control socket path is {bytes} bytes long, over the {MaximumBytes} bytes a Unix socket path can hold: {path}");
        }
        return new UnixDomainSocketEndPoint(path);
    }
}
