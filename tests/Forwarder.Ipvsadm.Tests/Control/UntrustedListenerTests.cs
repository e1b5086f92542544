using System.Diagnostics;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Tests.Control;

/// <summary>
/// Someone else listening on the socket path: a real process running as uid 1001 (perl under setpriv) that
/// answers like a director. Root's client must not send it a byte, nor print its answer.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UntrustedListenerTests
{
    private const uint ListenerUserId = 1001;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Accepts one connection, reads one request frame (or nothing, until the client hangs up), answers
    /// "FAKE TABLE" with status 0 in the control framing, and reports how many bytes it received.
    /// </summary>
    private const string FakeDirector = """
        use strict; use IO::Socket::UNIX; use Socket;
        $SIG{PIPE} = 'IGNORE'; alarm 30;
        my ($path) = @ARGV;
        my $listener = IO::Socket::UNIX->new(Type => SOCK_STREAM, Local => $path, Listen => 16) or die "listen $path: $!\n";
        print "listening\n"; STDOUT->flush;
        my $client = $listener->accept or die "accept: $!\n";
        my ($got, $want) = ('', 8);
        while (length($got) < $want) {
            my $n = sysread($client, my $chunk, 65536); last unless $n;
            $got .= $chunk;
            $want = 8 + unpack('N', substr($got, 4, 4)) if $want == 8 && length($got) >= 8;
        }
        my $payload = pack('N N/a* N/a*', 0, "FAKE TABLE\n", '');
        syswrite($client, 'FWR1' . pack('N', length $payload) . $payload);
        close $client;
        unlink $path;
        print "received ", length($got), "\n";
        """;

    private string _directory = null!;

    private string SocketPath => Path.Combine(_directory, "open", "forwarder.sock");

    [SetUp]
    public void CreateDirectory()
    {
        if (PeerCredentials.OfThisProcess().UserId != 0)
        {
            Assert.Ignore("needs root, to start a listener as another uid");
        }
        if (!File.Exists("/usr/bin/setpriv") || !File.Exists("/usr/bin/perl"))
        {
            Assert.Ignore("needs /usr/bin/setpriv and /usr/bin/perl for the listener of another uid");
        }
        _directory = Directory.CreateTempSubdirectory("forwarder-untrusted-").FullName;
        // Only the inner directory is open to the other uid, so it can bind its socket there.
        File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        var open = Path.GetDirectoryName(SocketPath)!;
        Directory.CreateDirectory(open);
        // Set after creating, as the umask would narrow a mode given to CreateDirectory.
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
    }

    [TearDown]
    public void RemoveDirectory()
    {
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task ListenerOfAnotherUid_IsSentNothing_AndItsAnswerIsNotPrinted()
    {
        using var listener = StartFakeDirector();
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            if (await listener.StandardOutput.ReadLineAsync(limit.Token) != "listening")
            {
                Assert.Fail($"the listener did not start: {await listener.StandardError.ReadToEndAsync(limit.Token)}");
            }

            var result = await new ControlClient(SocketPath).SendAsync(
                new IpvsadmInvocation(["-R"], "-A -t 10.0.0.1:80 -s rr\n"), limit.Token);

            Assert.That(result, Is.EqualTo(new IpvsadmResult(2, "",
                $"Can't initialize ipvs: {SocketPath} is served by uid {ListenerUserId}, not by root; nothing was sent to it\n")));
            Assert.That(await listener.StandardOutput.ReadLineAsync(limit.Token), Is.EqualTo("received 0"));
            await listener.WaitForExitAsync(limit.Token);
        }
        finally
        {
            if (!listener.HasExited)
            {
                listener.Kill();
            }
        }
    }

    private Process StartFakeDirector()
    {
        var start = new ProcessStartInfo("/usr/bin/setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[$"--reuid={ListenerUserId}", $"--regid={ListenerUserId}", "--clear-groups",
            "/usr/bin/perl", "-e", FakeDirector, SocketPath])
        {
            start.ArgumentList.Add(argument);
        }
        return Process.Start(start)!;
    }
}
