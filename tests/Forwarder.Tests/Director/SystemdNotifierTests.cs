using System.Net.Sockets;
using System.Text;
using Forwarder.Director;

namespace Forwarder.Tests.Director;

/// <summary>sd_notify's datagrams as <see cref="SystemdNotifier"/> sends them, to sockets these tests bind.</summary>
[TestFixture]
public sealed class SystemdNotifierTests
{
    private static string Receive(Socket socket)
    {
        var buffer = new byte[4096];
        socket.ReceiveTimeout = 5_000;
        return Encoding.UTF8.GetString(buffer, 0, socket.Receive(buffer));
    }

    [Test]
    public void AnAbstractName_WrittenWithAnAt_ReachesTheAbstractSocket()
    {
        var name = $"forwarder-notify-test-{Environment.ProcessId}-{Guid.NewGuid():N}";
        using var manager = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        manager.Bind(new UnixDomainSocketEndPoint("\0" + name));
        var notifier = new SystemdNotifier("@" + name, TextWriter.Null);

        Assert.Multiple(() =>
        {
            Assert.That(notifier.Enabled, Is.True);
            Assert.That(notifier.Notify("READY=1\nSTATUS=up"), Is.True);
            Assert.That(Receive(manager), Is.EqualTo("READY=1\nSTATUS=up"));
        });
    }

    [Test]
    public void APath_ReachesTheSocketBoundThere()
    {
        var directory = Directory.CreateTempSubdirectory("forwarder-notify-").FullName;
        try
        {
            var path = Path.Combine(directory, "notify");
            using var manager = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            manager.Bind(new UnixDomainSocketEndPoint(path));
            var notifier = new SystemdNotifier(path, TextWriter.Null);

            notifier.Notify("STOPPING=1");

            Assert.That(Receive(manager), Is.EqualTo("STOPPING=1"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestCase(null)]
    [TestCase("")]
    public void WithoutANotifySocket_NothingIsSent(string? name)
    {
        var errors = new StringWriter();
        var notifier = new SystemdNotifier(name, errors);

        Assert.Multiple(() =>
        {
            Assert.That(notifier.Enabled, Is.False);
            Assert.That(notifier.Notify("READY=1"), Is.False);
            Assert.That(errors.ToString(), Is.Empty);
        });
    }

    [Test]
    public void ARelativeName_IsReportedOnce_AndIgnored()
    {
        var errors = new StringWriter();
        var notifier = new SystemdNotifier("run/notify", errors);

        Assert.Multiple(() =>
        {
            Assert.That(notifier.Enabled, Is.False);
            Assert.That(notifier.Notify("READY=1"), Is.False);
            Assert.That(errors.ToString(), Is.EqualTo("forwarder run: cannot notify the service manager at NOTIFY_SOCKET=run/notify: not an absolute path or an abstract '@' name\n"));
        });
    }

    [Test]
    public void ASocketNobodyListensOn_IsReportedOnce_AndTheDirectorGoesOn()
    {
        var errors = new StringWriter();
        var notifier = new SystemdNotifier(Path.Combine(Path.GetTempPath(), $"forwarder-no-manager-{Guid.NewGuid():N}"), errors);

        Assert.Multiple(() =>
        {
            Assert.That(notifier.Notify("READY=1"), Is.False);
            Assert.That(notifier.Notify("STOPPING=1"), Is.False);
            Assert.That(errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), errors.ToString());
        });
    }
}
