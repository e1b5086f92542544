using System.Net.Sockets;
using System.Text;

namespace Forwarder.Director;

/// <summary>
/// sd_notify(3) without libsystemd: a service manager that starts the director as <c>Type=notify</c> names a
/// datagram socket in <c>$NOTIFY_SOCKET</c> (a path, or an abstract name written with a leading <c>@</c>), and each
/// change of state is one datagram of newline-separated <c>KEY=VALUE</c> lines (<c>READY=1</c>, <c>STOPPING=1</c>).
/// Without the variable nothing is sent. A send that fails is reported once and never stops the director: as
/// sd_notify, the service manager's absence is not the service's failure.
/// </summary>
public sealed class SystemdNotifier
{
    public const string EnvironmentVariable = "NOTIFY_SOCKET";

    private readonly string? _name;
    private readonly UnixDomainSocketEndPoint? _endPoint;
    private readonly TextWriter _errors;
    private bool _reported;

    public SystemdNotifier(string? socketName, TextWriter errors)
    {
        _errors = errors;
        if (string.IsNullOrEmpty(socketName))
        {
            return;
        }
        _name = socketName;
        // systemd writes an abstract socket's leading NUL as '@'; only an absolute path or '@' is a socket name.
        if (socketName[0] == '@' && socketName.Length > 1)
        {
            _endPoint = new UnixDomainSocketEndPoint("\0" + socketName[1..]);
        }
        else if (socketName[0] == '/')
        {
            _endPoint = new UnixDomainSocketEndPoint(socketName);
        }
        else
        {
            Report("not an absolute path or an abstract '@' name");
        }
    }

    /// <summary>The notifier for the socket <c>$NOTIFY_SOCKET</c> names, if any.</summary>
    public static SystemdNotifier FromEnvironment(TextWriter errors) =>
        new(Environment.GetEnvironmentVariable(EnvironmentVariable), errors);

    /// <summary>Whether a service manager asked to be told (a usable <c>$NOTIFY_SOCKET</c>).</summary>
    public bool Enabled => _endPoint is not null;

    /// <summary>Sends one state datagram, say <c>"READY=1\nSTATUS=..."</c>; false where nothing was delivered.</summary>
    public bool Notify(string state)
    {
        if (_endPoint is null)
        {
            return false;
        }
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.UTF8.GetBytes(state), _endPoint);
            return true;
        }
        catch (SocketException failed)
        {
            Report(failed.Message);
            return false;
        }
    }

    private void Report(string why)
    {
        if (!_reported)
        {
            _reported = true;
            _errors.WriteLine($"forwarder run: cannot notify the service manager at {EnvironmentVariable}={_name}: {why}");
        }
    }
}
