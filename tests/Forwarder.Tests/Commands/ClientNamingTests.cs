using System.Text;
using Forwarder.Commands;
using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Tests.Commands;

/// <summary>
/// <c>forwarder ipvsadm -L</c> without -n against a director that prints only numbers, as the live one does:
/// the names are the admin process's (its resolver, here a hosts file and a services file the test controls, and
/// once the real system resolver), laid out with ipvsadm's columns.
/// </summary>
public sealed class ClientNamingTests
{
    private const string Hosts = """
        192.168.1.113 lvs.example
        192.168.139.129 web1
        192.168.139.131 a-very-long-host-name.example.internal
        127.0.0.1 localhost
        """;

    private const string Services = "http 80/tcp www\nhttp-alt 8080/tcp\ndomain 53/udp\n";

    private string _directory = null!;
    private ControlServer _server = null!;
    private ServiceTable _table = null!;
    private int _requests;

    private string SocketPath => Path.Combine(_directory, "forwarder.sock");

    [SetUp]
    public void StartDirector()
    {
        _directory = Directory.CreateTempSubdirectory("forwarder-names-").FullName;
        var timeouts = new ConnectionTimeouts();
        _table = new ServiceTable(SchedulerRegistry.Create);
        var connections = new ConnectionTable(timeouts);
        var executor = new IpvsadmExecutor(new DirectorState(_table, connections, () => 1_000_000_000, new ServiceRateEstimators()),
            NumericNameResolver.Instance, new IpvsadmParser(ServiceNames.BuiltIn, HostNames.None));
        foreach (var line in new[]
        {
            "-A -t 192.168.1.113:80 -s rr", "-a -t 192.168.1.113:80 -r 192.168.139.129:80 -m", "-a -t 192.168.1.113:80 -r 192.168.139.131:8080 -m",
            "-a -t 192.168.1.113:80 -r 192.168.139.144:80 -m", "-A -u 192.168.1.113:53 -s wrr", "-a -u 192.168.1.113:53 -r 192.168.139.129:53 -m",
            "-A -t 127.0.0.1:80 -s rr",
        })
        {
            Assert.That(executor.Execute(line.Split(' ')).ExitCode, Is.Zero, line);
        }
        var serialized = new object();
        _server = new ControlServer(SocketPath, (invocation, _) =>
        {
            lock (serialized)
            {
                _requests++;
                return Task.FromResult(executor.Execute(invocation));
            }
        });
        _server.Start();
    }

    [TearDown]
    public void StopDirector()
    {
        _server.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void ListWithoutNumeric_ShowsTheClientsNames_InIpvsadmsColumns()
    {
        var (status, output, errors) = Admin(TestNames(), "-L");

        Assert.That(errors, Is.Empty);
        Assert.That(status, Is.Zero);
        Assert.That(output, Is.EqualTo(ListedInOneProcess(TestNames(), "-L")));
        Assert.That(output, Does.Contain("TCP  lvs.example:http rr\n"));
        Assert.That(output, Does.Contain("  -> web1:http                    Masq    1      0          0         \n"));
        // Cut at the destination column's 28 characters, as ipvsadm cuts it.
        Assert.That(output, Does.Contain("  -> a-very-long-host-name.exampl Masq    1      0          0         \n"));
        Assert.That(output, Does.Contain("  -> 192.168.139.144:http         Masq    1      0          0         \n"));
        Assert.That(output, Does.Contain("UDP  lvs.example:domain wrr\n"));
    }

    [Test]
    public void SaveWithoutNumeric_AndOneService_AreNamedToo()
    {
        Assert.That(Admin(TestNames(), "-S").Output, Is.EqualTo(ListedInOneProcess(TestNames(), "-S")));
        Assert.That(Admin(TestNames(), "-S").Output, Does.Contain("-a -t lvs.example:http -r a-very-long-host-name.example.internal:http-alt -m -w 1\n"));
        Assert.That(Admin(TestNames(), "-L", "-t", "192.168.1.113:80").Output, Is.EqualTo(ListedInOneProcess(TestNames(), "-L", "-t", "192.168.1.113:80")));
    }

    [Test]
    public void WithNumeric_OneRequest_AndNumbers()
    {
        var (status, output, _) = Admin(TestNames(), "-Ln");

        Assert.That(status, Is.Zero);
        Assert.That(output, Does.Contain("TCP  192.168.1.113:80 rr\n"));
        Assert.That(_requests, Is.EqualTo(1));
    }

    [Test]
    public void AListingTheDirectorRefuses_IsAnsweredOnce_WithIpvsadmsWords()
    {
        var (status, output, errors) = Admin(TestNames(), "-L", "-t", "10.9.9.9:80");

        Assert.That((status, output, errors), Is.EqualTo((1, "", "No such service\n")));
        Assert.That(_requests, Is.EqualTo(1));
    }

    [Test]
    public void TheDirectorAlone_PrintsNumbers_ItResolvesNothing()
    {
        var direct = new ControlClient(SocketPath).Send(new IpvsadmInvocation(["-L"]));

        Assert.That(direct.StandardOutput, Does.Contain("TCP  192.168.1.113:80 rr\n"));
    }

    [Test]
    public void TheSystemResolver_NamesLocalhostAndHttp_AsIpvsadmWould()
    {
        if (SystemNameResolver.Instance.HostName(Ipv4Address.Parse("127.0.0.1")) != "localhost" ||
            SystemNameResolver.Instance.PortName(80, IpProtocol.Tcp) != "http")
        {
            Assert.Ignore("this system's resolver does not name 127.0.0.1 localhost and 80/tcp http (/etc/hosts, /etc/services)");
        }

        var (status, output, _) = Admin(SystemNameResolver.Instance, "-L", "-t", "127.0.0.1:80");

        Assert.That(status, Is.Zero);
        Assert.That(output, Does.Contain("TCP  localhost:http rr\n"));
    }

    [Test]
    public void HostAndPortNamesInTheArguments_AreResolvedHere_TheDirectorKnowsNone()
    {
        var (status, output, errors) = Admin(TestNames(), "-L", "-n", "-t", "lvs.example:www");
        var (editStatus, _, editErrors) = Admin(TestNames(), "-e", "--tcp-service=lvs.example:http", "-r", "web1:http", "-m", "-w", "5");

        Assert.That((status, errors), Is.EqualTo((0, "")));
        Assert.That(output, Does.Contain("TCP  192.168.1.113:80 rr\n"));
        Assert.That((editStatus, editErrors), Is.EqualTo((0, "")));
        Assert.That(_table.Services.Single(s => s.Port == 80 && s.Address.Ipv4Value != 0x7F000001).Destinations.Single(d => d.Address == Ipv4Address.Parse("192.168.139.129")).Weight, Is.EqualTo(5));
    }

    [Test]
    public void ANameNobodyKnows_GoesAsTyped_AndIsRefusedInIpvsadmsWords()
    {
        var (status, _, errors) = Admin(TestNames(), "-L", "-t", "nowhere.invalid:80");

        Assert.That((status, errors), Is.EqualTo((2, "illegal virtual server address[:port] specified\n")));
    }

    [Test]
    public void TheSystemResolver_ReadsLocalhostInTheArguments()
    {
        if (SystemNameLookup.Instance.Address("localhost") != Ipv4Address.Parse("127.0.0.1") || SystemNameLookup.Instance.Port("http", IpProtocol.Tcp) != 80)
        {
            Assert.Ignore("this system's resolver does not know localhost as 127.0.0.1 and http as 80/tcp");
        }

        var (status, output, errors) = AdminThroughTheSystem("-L", "-n", "-t", "localhost:http");

        Assert.That((status, errors), Is.EqualTo((0, "")));
        Assert.That(output, Does.Contain("TCP  127.0.0.1:80 rr\n"));
    }

    private static ServicesFileNameResolver TestNames() => new(Services, HostNames.Parse(Hosts).NameOf);

    private static FileNameLookup TestLookup() => new(HostNames.Parse(Hosts), ServiceNames.Parse(Services));

    /// <summary>The same listing laid out in one process with the same names: what ipvsadm prints on one machine.</summary>
    private string ListedInOneProcess(INameResolver names, params string[] arguments)
    {
        var state = new DirectorState(_table, new ConnectionTable(new ConnectionTimeouts()), () => 1_000_000_000, new ServiceRateEstimators());
        return new IpvsadmExecutor(state, names, new IpvsadmParser(ServiceNames.BuiltIn, HostNames.None)).Execute(arguments).StandardOutput;
    }

    private (int Status, string Output, string Errors) Admin(INameResolver names, params string[] arguments)
    {
        _requests = 0;
        using var output = new MemoryStream();
        using var errors = new MemoryStream();
        var status = IpvsadmClientCommand.Run(["--socket", SocketPath, .. arguments], () => "", output, errors, null, names,
            names == SystemNameResolver.Instance ? SystemNameLookup.Instance : TestLookup());
        return (status, Encoding.UTF8.GetString(output.ToArray()), Encoding.UTF8.GetString(errors.ToArray()));
    }

    private (int Status, string Output, string Errors) AdminThroughTheSystem(params string[] arguments) => Admin(SystemNameResolver.Instance, arguments);
}
