using System.Globalization;
using CommandLine;
using Forwarder.Core;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Ipvsadm.Grammar;

/// <summary>
/// Turns an ipvsadm command line into an <see cref="IpvsadmCommand"/>, refusing what ipvsadm refuses
/// with ipvsadm's own words (<c>parse_options</c>, <c>process_options</c>, <c>generic_opt_check</c>).
/// </summary>
public sealed class IpvsadmParser
{
    public const string TryHelp = "Try `ipvsadm -h' or 'ipvsadm --help' for more information.";

    /// <summary>ipvsadm's default persistence timeout (libipvs' IPVS_SVC_PERSISTENT_TIMEOUT, 6 minutes) and its upper bound.</summary>
    public const int DefaultPersistence = 360;
    private const int MaximumTimeout = 86400 * 31;

    // Stands for "-p given without a value", which CommandLineParser cannot express.
    private const string PersistenceDefaultMarker = "\u0001";

    private static readonly Dictionary<string, IpvsadmCommandKind> CommandOptions = new(StringComparer.Ordinal)
    {
        ["-A"] = IpvsadmCommandKind.AddService,
        ["--add-service"] = IpvsadmCommandKind.AddService,
        ["-E"] = IpvsadmCommandKind.EditService,
        ["--edit-service"] = IpvsadmCommandKind.EditService,
        ["-D"] = IpvsadmCommandKind.DeleteService,
        ["--delete-service"] = IpvsadmCommandKind.DeleteService,
        ["-C"] = IpvsadmCommandKind.Clear,
        ["--clear"] = IpvsadmCommandKind.Clear,
        ["-R"] = IpvsadmCommandKind.Restore,
        ["--restore"] = IpvsadmCommandKind.Restore,
        ["-S"] = IpvsadmCommandKind.Save,
        ["--save"] = IpvsadmCommandKind.Save,
        ["-a"] = IpvsadmCommandKind.AddServer,
        ["--add-server"] = IpvsadmCommandKind.AddServer,
        ["-e"] = IpvsadmCommandKind.EditServer,
        ["--edit-server"] = IpvsadmCommandKind.EditServer,
        ["-d"] = IpvsadmCommandKind.DeleteServer,
        ["--delete-server"] = IpvsadmCommandKind.DeleteServer,
        ["-L"] = IpvsadmCommandKind.List,
        ["-l"] = IpvsadmCommandKind.List,
        ["--list"] = IpvsadmCommandKind.List,
        ["-Z"] = IpvsadmCommandKind.Zero,
        ["--zero"] = IpvsadmCommandKind.Zero,
        ["--set"] = IpvsadmCommandKind.SetTimeouts,
        ["-h"] = IpvsadmCommandKind.Help,
        ["--help"] = IpvsadmCommandKind.Help,
        ["-v"] = IpvsadmCommandKind.Version,
        ["--version"] = IpvsadmCommandKind.Version,
        ["--start-daemon"] = IpvsadmCommandKind.StartDaemon,
        ["--stop-daemon"] = IpvsadmCommandKind.StopDaemon,
    };

    private static readonly HashSet<char> CommandLetters = ['A', 'E', 'D', 'C', 'R', 'S', 'a', 'e', 'd', 'L', 'l', 'Z', 'h', 'v'];

    // -p takes its value only when one follows, so it never wants one at the end.
    private static readonly HashSet<char> ShortOptionsWithValue = ['t', 'u', 'f', 's', 'M', 'r', 'w', 'x', 'y', 'b'];

    private static readonly HashSet<string> LongOptionsWithValue =
    [
        "--tcp-service", "--udp-service", "--fwmark-service", "--scheduler", "--netmask", "--real-server",
        "--weight", "--u-threshold", "--l-threshold", "--pe", "--sched-flags", "--sctp-service", "--tun-type",
        "--tun-port", "--mcast-interface", "--syncid", "--sync-maxlen", "--mcast-group", "--mcast-port", "--mcast-ttl",
        "--start-daemon", "--stop-daemon",
    ];

    private static readonly IpvsadmOption[] TunnelOptions =
    [
        IpvsadmOption.TunnelType, IpvsadmOption.TunnelPort, IpvsadmOption.TunnelNoChecksum, IpvsadmOption.TunnelChecksum,
        IpvsadmOption.TunnelRemoteChecksum,
    ];

    private readonly ServiceNames _serviceNames;
    private readonly HostNames _hostNames;

    public IpvsadmParser(ServiceNames? serviceNames = null, HostNames? hostNames = null)
    {
        _serviceNames = serviceNames ?? ServiceNames.System;
        _hostNames = hostNames ?? HostNames.System;
    }

    public IpvsadmCommand Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            // As ipvsadm: no arguments lists the table.
            return new IpvsadmCommand(IpvsadmCommandKind.List);
        }
        // ipvsadm takes the command from the first option; anything else first is a usage error.
        if (FirstCommand(args[0]) is null)
        {
            throw new IpvsadmUsageException(TryHelp, 255);
        }

        var ipv6Options = CheckAsPopt(args);
        var arguments = BindOptions(FillOptionalPersistence(SpellIpv6Long(args, ipv6Options)));
        var kind = SingleCommand(arguments);
        if (kind is IpvsadmCommandKind.Help or IpvsadmCommandKind.Version)
        {
            return new IpvsadmCommand(kind);
        }
        // The daemon's state is the command's own value, checked as the command is read.
        var daemonMaster = kind switch
        {
            IpvsadmCommandKind.StartDaemon => DaemonState(arguments.StartDaemon!, "illegal start-daemon parameter specified"),
            IpvsadmCommandKind.StopDaemon => DaemonState(arguments.StopDaemon!, "illegal start_daemon specified"),
            _ => false,
        };
        var given = GivenOptions(arguments);
        var protocol = arguments.UdpService is not null ? IpProtocol.Udp
            : arguments.SctpService is not null ? IpProtocol.Sctp
            : IpProtocol.Tcp;

        ServiceKey? service = null;
        if (arguments.FwmarkService is { } fwmark)
        {
            // As ipvsadm's parse_fwmark: a mark is a number from 1 to UINT_MAX; only a valid one meets the refusal.
            if (!uint.TryParse(fwmark, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var mark) || mark == 0)
            {
                throw new IpvsadmUsageException($"invalid fwmark value `{EchoedText.Of(fwmark)}' specified");
            }
            // -6 makes it the mark's IPv6 service (the kernel keys a mark service by family and mark): its address is
            // the IPv6 unspecified one, which is how the family is held.
            service = ServiceKey.ForFirewallMark(mark, arguments.Ipv6 ? IpFamily.Ipv6 : IpFamily.Ipv4);
        }
        if ((arguments.TcpService ?? arguments.UdpService ?? arguments.SctpService) is { } serviceText)
        {
            var (address, port, hasPort) = ParseAddressPort(serviceText, protocol)
                ?? throw new IpvsadmUsageException("illegal virtual server address[:port] specified");
            _ = hasPort;
            service = new ServiceKey(protocol, address, port);
        }

        var persistence = arguments.Persistent is { } persistentText
            ? persistentText == PersistenceDefaultMarker ? DefaultPersistence : ParseTimeout(persistentText, 1)
            : (int?)null;
        // As parse_service and the -M case: an IPv6 service's mask is a prefix length, 128 unless given (atoi, 1-128).
        var isIpv6 = service is { Address.IsIpv6: true };
        var mask = isIpv6 ? Ipv6FullPrefix : uint.MaxValue;
        if (arguments.Netmask is { } maskText)
        {
            // As parse_options, which reads options in order: -M before -6 is read as an IPv4 mask, then -6 sets 128.
            var readAsIpv4 = !isIpv6 || arguments.Ipv6 && IndexOfOption(args, "-M", "--netmask") < IndexOfOption(args, "-6", "--ipv6");
            mask = !readAsIpv4
                ? Atoi(maskText) is >= 1 and <= 128 and var prefix ? (uint)prefix : throw new IpvsadmUsageException("illegal ipv6 netmask specified")
                : (_hostNames.TryResolve(maskText, out var parsedMask) ? parsedMask : (Ipv4Address?)null)?.Value
                    ?? throw new IpvsadmUsageException("illegal virtual server persistent mask specified");
            if (isIpv6 && readAsIpv4)
            {
                mask = Ipv6FullPrefix;
            }
        }

        // As ipvsadm, which checks each value as it reads it: a bad number is refused even where the
        // option itself would be refused for its command.
        var weight = ParseNumber(arguments.Weight, 0, int.MaxValue, "illegal weight specified", 1);
        var upperThreshold = ParseNumber(arguments.UpperThreshold, 0, int.MaxValue, "illegal u_threshold specified", 0);
        var lowerThreshold = ParseNumber(arguments.LowerThreshold, 0, int.MaxValue, "illegal l_threshold specified", 0);
        var tunnelType = arguments.TunnelType is { } typeText
            ? TunnelOptionRules.Parse(typeText) ?? throw new IpvsadmUsageException("illegal tunnel type specified")
            : (TunnelType?)null;
        var tunnelPort = (ushort)ParseNumber(arguments.TunnelPort, 1, 65535, "illegal tunnel port specified", 0);
        var tunnelChecksum = arguments.TunnelRemoteChecksum ? TunnelChecksum.RemoteChecksum
            : arguments.TunnelChecksum ? TunnelChecksum.Checksum
            : TunnelChecksum.None;
        var daemon = kind is IpvsadmCommandKind.StartDaemon or IpvsadmCommandKind.StopDaemon
            ? DaemonOf(arguments, daemonMaster)
            : null;
        DestinationSpec? destination = null;
        if (arguments.RealServer is { } serverText)
        {
            // As parse_options: -r copies the service as it is when -r is read, so before -t/-u the port is 0 and no
            // protocol is known to look a port name up in.
            var serverFirst = ServerNamedBeforeService(args);
            var (address, port, hasPort) = ParseAddressPort(serverText, serverFirst ? null : protocol, realServer: true)
                ?? throw new IpvsadmUsageException("illegal real server address[:port] specified");
            var servicePortThen = serverFirst ? (ushort)0 : service?.Port ?? 0;
            var method = arguments.Masquerading ? ForwardingMethod.Masquerade
                : arguments.Ipip ? ForwardingMethod.Tunnel
                : ForwardingMethod.DirectRoute;
            // As ipvsadm: no port means the service's (for every command); on -a and -e only, direct routing
            // and tunnelling take the service's port whatever was given, so -d finds a server by its own port.
            if (!hasPort)
            {
                port = servicePortThen;
            }
            // A firewall-mark service has no port of its own: its real servers keep the port given (0: the packet's).
            if (kind is IpvsadmCommandKind.AddServer or IpvsadmCommandKind.EditServer && method != ForwardingMethod.Masquerade && service is not { IsFirewallMark: true })
            {
                port = service?.Port ?? port;
            }
            destination = new DestinationSpec(address, port, method, weight, upperThreshold, lowerThreshold,
                tunnelType ?? TunnelType.Ipip, tunnelPort, tunnelChecksum);
        }

        (int, int, int)? timeouts = null;
        if (arguments.Set?.ToArray() is { Length: > 0 } values)
        {
            if (values.Length != 3)
            {
                throw new IpvsadmUsageException("--set option requires 3 timeout values");
            }
            timeouts = (ParseTimeout(values[0], 0), ParseTimeout(values[1], 0), ParseTimeout(values[2], 0));
        }

        // As parse_options: words no option took are refused once every value has been read and checked.
        if (arguments.Extra.FirstOrDefault() is { } extra)
        {
            throw new IpvsadmUsageException($"unexpected argument {EchoedText.Of(extra)}");
        }

        OptionRules.Check(kind, given);

        if (kind is IpvsadmCommandKind.AddServer or IpvsadmCommandKind.EditServer)
        {
            // As process_options: tunnel options belong to -i, then each tunnel type has its own rules.
            if (TunnelOptions.Any(given.Contains) && !arguments.Ipip)
            {
                throw new IpvsadmUsageException("Tunnel options conflict with forward method");
            }
            if (destination is { } server && service is { } owner && server.Address.IsIpv6 != owner.Address.IsIpv6 && !arguments.Ipip)
            {
                throw new IpvsadmUsageException("Different address family is allowed only for tunneling servers");
            }
            TunnelOptionRules.Check(tunnelType ?? TunnelType.Ipip, given);
        }

        ServiceSpec? settings = null;
        if (kind is IpvsadmCommandKind.AddService or IpvsadmCommandKind.EditService && service is { } key)
        {
            if (key.Port == 0 && persistence is null && !key.IsFirewallMark)
            {
                throw new IpvsadmUsageException("Zero port specified for non-persistent service");
            }
            if (arguments.OnePacket && key.Protocol != IpProtocol.Udp && !key.IsFirewallMark)
            {
                throw new IpvsadmUsageException("One-Packet Scheduling is only for UDP virtual services");
            }
            // ipvsadm's default scheduler, for -E as well as -A.
            // An empty -s is no scheduler given: ipvsadm fills in its default (as the real binary does for -s '').
            var scheduler = string.IsNullOrEmpty(arguments.Scheduler) ? "wlc" : arguments.Scheduler;
            if (arguments.SchedulerFlags is { } flags && !SchedulerFlagSet.TryParse(flags, scheduler, out _, out var flagError))
            {
                throw new IpvsadmUsageException(flagError);
            }
            settings = new ServiceSpec(key, scheduler, persistence, mask, arguments.SchedulerFlags ?? string.Empty,
                arguments.PersistenceEngine ?? string.Empty, arguments.OnePacket);
        }

        if (kind == IpvsadmCommandKind.List &&
            ((given.Contains(IpvsadmOption.Connection) || given.Contains(IpvsadmOption.Timeout) || given.Contains(IpvsadmOption.Daemon)) &&
             (given.Contains(IpvsadmOption.Stats) || given.Contains(IpvsadmOption.Rate) || given.Contains(IpvsadmOption.Thresholds)) ||
             ((given.Contains(IpvsadmOption.Timeout) || given.Contains(IpvsadmOption.Daemon)) && given.Contains(IpvsadmOption.PersistentConnections))))
        {
            throw new IpvsadmUsageException("options conflicts in the list command");
        }

        return new IpvsadmCommand(kind)
        {
            Service = service,
            ServiceSettings = settings,
            Destination = destination,
            Daemon = daemon,
            Listing = ListingOf(arguments),
            Timeouts = timeouts,
        };
    }

    /// <summary>
    /// -6 as --ipv6 for CommandLineParser, which would take "-6" for a negative number and so a stray value; only the
    /// words <see cref="CheckAsPopt"/> found to be the option, never an option's value.
    /// </summary>
    private static IReadOnlyList<string> SpellIpv6Long(IReadOnlyList<string> args, List<int> ipv6Options)
    {
        if (ipv6Options.Count == 0)
        {
            return args;
        }
        var spelled = args.ToArray();
        foreach (var i in ipv6Options)
        {
            spelled[i] = "--ipv6";
        }
        return spelled;
    }

    /// <summary>Where an option first stands among the words (as itself or NAME=VALUE), or the word count when it is absent.</summary>
    private static int IndexOfOption(IReadOnlyList<string> args, string shortName, string longName)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == shortName || args[i] == longName || args[i].StartsWith(longName + "=", StringComparison.Ordinal))
            {
                return i;
            }
        }
        return args.Count;
    }

    private const uint Ipv6FullPrefix = 128;

    /// <summary>C's atoi: optional blanks and sign, then the leading digits; 0 when there are none.</summary>
    private static long Atoi(string text)
    {
        var span = text.AsSpan().TrimStart(" \t\n\v\f\r");
        var negative = span.Length > 0 && span[0] == '-';
        if (span.Length > 0 && span[0] is '-' or '+')
        {
            span = span[1..];
        }
        long value = 0;
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c) || value > int.MaxValue)
            {
                break;
            }
            value = (value * 10) + (c - '0');
        }
        return negative ? -value : value;
    }

    /// <summary>
    /// Parses <c>host[:port]</c> as ipvsadm's parse_service: <c>[IPv6]:port</c> (the brackets need the port), a bare
    /// IPv6 address (no port then: its colons are the address's), or a dotted quad or known host name with an optional
    /// <c>:port</c>; a port is a number or a service name.
    /// </summary>
    public (InetAddress Address, ushort Port, bool HasPort)? ParseAddressPort(string text, IpProtocol protocol) =>
        ParseAddressPort(text, (IpProtocol?)protocol, realServer: false);

    /// <summary>
    /// As <see cref="ParseAddressPort(string, IpProtocol)"/>; without a protocol, port names are not known. A
    /// <paramref name="realServer"/>'s IPv4-mapped IPv6 address stands as ::, see below.
    /// </summary>
    private (InetAddress Address, ushort Port, bool HasPort)? ParseAddressPort(string text, IpProtocol? protocol, bool realServer)
    {
        if (text.Length == 0 || text.All(char.IsAsciiDigit))
        {
            return null;
        }
        string? portText = null;
        var host = text;
        if (text[0] == '[')
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                return null;
            }
            host = text[1..close];
            portText = text[(close + 2)..];
        }
        InetAddress address;
        if (InetAddress.TryParseIpv6(host, out var ipv6, out var ipv4Mapped))
        {
            address = ipv6;
        }
        else if (ipv4Mapped && realServer)
        {
            // The kernel never takes an IPv4-mapped real server (ipv6_addr_type calls it MAPPED, not UNICAST: -a is
            // EINVAL, -e and -d find nothing), exactly as it treats ::. Forwarder cannot hold a mapped address apart
            // from its IPv4 one, and need not here: as :: it is an IPv6 address no table ever holds, so every command
            // answers as the kernel does (an IPv4 service's non-tunnel server: ipvsadm's family refusal).
            address = InetAddress.Ipv6Any;
        }
        else if (ipv4Mapped)
        {
            // ipvsadm takes it as an IPv6 service; Forwarder holds IPv4 in that very form, so it cannot tell them apart.
            throw new IpvsadmUsageException($"IPv4-mapped IPv6 address `{EchoedText.Of(host)}' is not supported: use the IPv4 address");
        }
        else
        {
            // Not IPv6: as parse_service, the last colon of what is left (inside brackets too) starts the port.
            var colon = host.LastIndexOf(':');
            portText = colon < 0 ? null : host[(colon + 1)..];
            host = colon < 0 ? host : host[..colon];
            if (!_hostNames.TryResolve(host, out var ipv4))
            {
                return null;
            }
            address = ipv4;
        }
        if (portText is null)
        {
            return (address, 0, false);
        }
        if (TryNumber(portText, 0, 65535, out var number))
        {
            return (address, (ushort)number, true);
        }
        return protocol is { } known && _serviceNames.TryGetPort(portText, known, out var named) ? (address, named, true) : null;
    }

    /// <summary>
    /// Two refusals popt makes that CommandLineParser does not. parse_options takes the command from the first
    /// option only, so a command option later on reaches its option switch and fails as
    /// "invalid option `TOKEN'" (exit 2); and an option that takes a value but ends the line is popt's
    /// "TOKEN: missing argument" (exit 255).
    /// </summary>
    private static List<int> CheckAsPopt(IReadOnlyList<string> args)
    {
        var fwmarkSeen = false;
        var ipv6Options = new List<int>();
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            var (holdsCommand, endsWantingValue) = Scan(token, firstArgument: i == 0);
            if (holdsCommand)
            {
                throw new IpvsadmUsageException($"invalid option `{EchoedText.Of(token)}'");
            }
            fwmarkSeen |= token is "-f" or "--fwmark-service";
            if (token is "-6" or "--ipv6")
            {
                // As parse_options: -6 qualifies a firewall mark read before it (fail prints its own newline too).
                if (!fwmarkSeen)
                {
                    throw new IpvsadmUsageException("-6 used before -f\n");
                }
                ipv6Options.Add(i);
                continue;
            }
            if (token.Length > 1 && token[0] == '-' && char.IsAsciiDigit(token[1]))
            {
                // A word such as -1 that no option took as its value is an option to popt, and not one it knows.
                throw new IpvsadmUsageException($"{EchoedText.Of(token)}: unknown option", 255);
            }
            if (endsWantingValue)
            {
                if (i == args.Count - 1)
                {
                    // popt's error on the command itself (--start-daemon with no state) ends in tryhelp_exit.
                    throw new IpvsadmUsageException(i == 0 && token.StartsWith("--", StringComparison.Ordinal) && FirstCommand(token) is not null ? TryHelp : $"{EchoedText.Of(token)}: missing argument", 255);
                }
                // The next word is this option's value, whatever it looks like.
                i++;
            }
        }
        return ipv6Options;
    }

    /// <summary>Whether a word names a command (beyond the first one) and whether it ends with an option still wanting its value.</summary>
    private static (bool HoldsCommand, bool EndsWantingValue) Scan(string token, bool firstArgument)
    {
        if (token.StartsWith("--", StringComparison.Ordinal))
        {
            var name = token.Contains('=', StringComparison.Ordinal) ? null : token;
            return (!firstArgument && CommandOptions.ContainsKey(token), name is not null && LongOptionsWithValue.Contains(name));
        }
        if (token.Length < 2 || token[0] != '-')
        {
            return (false, false);
        }
        // A short bundle such as -Ln: letters up to the first that takes a value, which takes the rest or the next word.
        for (var at = firstArgument ? 2 : 1; at < token.Length; at++)
        {
            if (CommandLetters.Contains(token[at]))
            {
                return (true, false);
            }
            if (ShortOptionsWithValue.Contains(token[at]))
            {
                return (false, at == token.Length - 1);
            }
        }
        return (false, false);
    }

    /// <summary>Whether -r (--real-server) is read before the service option (-t, -u, --sctp-service).</summary>
    private static bool ServerNamedBeforeService(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            switch (ValueOptionIn(args[i], firstArgument: i == 0))
            {
                case "r" or "real-server":
                    return true;
                case "t" or "u" or "tcp-service" or "udp-service" or "sctp-service":
                    return false;
            }
            if (Scan(args[i], i == 0).EndsWantingValue)
            {
                i++;
            }
        }
        return false;
    }

    /// <summary>The option of a word that takes a value (a long name, or the letter in a short bundle), if any.</summary>
    private static string? ValueOptionIn(string token, bool firstArgument)
    {
        if (token.StartsWith("--", StringComparison.Ordinal))
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            return equals < 0 ? token[2..] : token[2..equals];
        }
        if (token.Length < 2 || token[0] != '-')
        {
            return null;
        }
        for (var at = firstArgument ? 2 : 1; at < token.Length; at++)
        {
            if (ShortOptionsWithValue.Contains(token[at]))
            {
                return token[at].ToString();
            }
        }
        return null;
    }

    /// <summary>Shapes the words for CommandLineParser where popt reads them differently: -p's optional value, repeated --sort.</summary>
    private static IReadOnlyList<string> FillOptionalPersistence(IReadOnlyList<string> args)
    {
        var filled = new List<string>(args.Count + 1);
        var sortSeen = false;
        for (var i = 0; i < args.Count; i++)
        {
            // --sort is a no-op that ipvsadm never records, so repeating it is no error: keep only the first.
            if (args[i] == "--sort" && sortSeen)
            {
                continue;
            }
            sortSeen |= args[i] == "--sort";
            // popt reads -p=50 as -p 50, for every short option that takes a value.
            if (args[i].Length > 3 && args[i][0] == '-' && args[i][2] == '=' && (ShortOptionsWithValue.Contains(args[i][1]) || args[i][1] == 'p'))
            {
                filled.Add(args[i][..2]);
                filled.Add(args[i][3..]);
                continue;
            }
            filled.Add(args[i]);
            if (args[i] is "-p" or "--persistent" && (i + 1 == args.Count || args[i + 1].StartsWith('-')))
            {
                filled.Add(PersistenceDefaultMarker);
            }
        }
        return filled;
    }

    private static IpvsadmArguments BindOptions(IReadOnlyList<string> args)
    {
        using var parser = new Parser(settings =>
        {
            settings.CaseSensitive = true;
            settings.HelpWriter = null;
            settings.AutoHelp = false;
            settings.AutoVersion = false;
            settings.EnableDashDash = true;
        });
        IpvsadmArguments? bound = null;
        string? failure = null;
        parser.ParseArguments<IpvsadmArguments>(args)
            .WithParsed(parsed => bound = parsed)
            .WithNotParsed(errors => failure = Describe(errors.First()));
        if (bound is null)
        {
            // fail(2, ...) for ipvsadm's own checks; popt's errors and tryhelp_exit end with -1.
            var ownCheck = failure is not null &&
                (failure.StartsWith("multiple", StringComparison.Ordinal) || failure.StartsWith("--set", StringComparison.Ordinal));
            throw new IpvsadmUsageException(failure ?? TryHelp, ownCheck ? 2 : 255);
        }
        return bound;
    }

    private static string Describe(Error error) => error switch
    {
        UnknownOptionError unknown => $"{EchoedText.Of(Dashed(unknown.Token))}: unknown option",
        MissingValueOptionError missing => $"{Dashed(missing.NameInfo.ShortName, missing.NameInfo.LongName)}: missing argument",
        RepeatedOptionError repeated => $"multiple '{OptionGroupName(repeated.NameInfo.LongName)}' options specified",
        SequenceOutOfRangeError => "--set option requires 3 timeout values",
        BadFormatConversionError bad => $"{Dashed(bad.NameInfo.ShortName, bad.NameInfo.LongName)}: bad argument",
        _ => TryHelp,
    };

    /// <summary>set_option names the option group, as optnames does: -t/-u/-f are one, and so are -m/-g/-i.</summary>
    private static string OptionGroupName(string longName) => longName switch
    {
        "tcp-service" or "udp-service" or "sctp-service" or "fwmark-service" => OptionRules.NameOf(IpvsadmOption.ServiceAddress),
        "masquerading" or "gatewaying" or "ipip" => OptionRules.NameOf(IpvsadmOption.ForwardingMethod),
        _ => longName,
    };

    private static string Dashed(string token) => token.Length == 1 ? "-" + token : "--" + token;

    private static string Dashed(string shortName, string longName) =>
        string.IsNullOrEmpty(shortName) ? "--" + longName : "-" + shortName;

    private static IpvsadmCommandKind? FirstCommand(string token)
    {
        // popt reads --start-daemon=master as --start-daemon master.
        if (token.StartsWith("--", StringComparison.Ordinal) && token.IndexOf('=', StringComparison.Ordinal) is > 2 and var equals)
        {
            token = token[..equals];
        }
        if (CommandOptions.TryGetValue(token, out var kind))
        {
            return kind;
        }
        // A bundle such as -Ln: its first letter is the command.
        return token.Length > 2 && token[0] == '-' && token[1] != '-' && CommandOptions.TryGetValue(token[..2], out kind) ? kind : null;
    }

    private static IpvsadmCommandKind SingleCommand(IpvsadmArguments a)
    {
        var commands = new List<IpvsadmCommandKind>();
        void Add(bool present, IpvsadmCommandKind kind)
        {
            if (present)
            {
                commands.Add(kind);
            }
        }
        Add(a.AddService, IpvsadmCommandKind.AddService);
        Add(a.EditService, IpvsadmCommandKind.EditService);
        Add(a.DeleteService, IpvsadmCommandKind.DeleteService);
        Add(a.Clear, IpvsadmCommandKind.Clear);
        Add(a.List || a.ListLower, IpvsadmCommandKind.List);
        Add(a.AddServer, IpvsadmCommandKind.AddServer);
        Add(a.DeleteServer, IpvsadmCommandKind.DeleteServer);
        Add(a.EditServer, IpvsadmCommandKind.EditServer);
        Add(a.Set?.Any() == true, IpvsadmCommandKind.SetTimeouts);
        Add(a.Restore, IpvsadmCommandKind.Restore);
        Add(a.Save, IpvsadmCommandKind.Save);
        Add(a.Zero, IpvsadmCommandKind.Zero);
        Add(a.Help, IpvsadmCommandKind.Help);
        Add(a.Version, IpvsadmCommandKind.Version);
        Add(a.StartDaemon is not null, IpvsadmCommandKind.StartDaemon);
        Add(a.StopDaemon is not null, IpvsadmCommandKind.StopDaemon);
        return commands.Count switch
        {
            1 => commands[0],
            0 => throw new IpvsadmUsageException(TryHelp, 255),
            _ => throw new IpvsadmUsageException("multiple commands specified"),
        };
    }

    private static HashSet<IpvsadmOption> GivenOptions(IpvsadmArguments a)
    {
        var given = new HashSet<IpvsadmOption>();
        void Add(bool present, IpvsadmOption option)
        {
            if (present)
            {
                given.Add(option);
            }
        }
        Add(a.Numeric, IpvsadmOption.Numeric);
        Add(a.Connection, IpvsadmOption.Connection);
        Add(a.TcpService is not null || a.UdpService is not null || a.SctpService is not null || a.FwmarkService is not null, IpvsadmOption.ServiceAddress);
        Add(a.Scheduler is not null, IpvsadmOption.Scheduler);
        Add(a.Persistent is not null, IpvsadmOption.Persistent);
        Add(a.Netmask is not null, IpvsadmOption.Netmask);
        Add(a.RealServer is not null, IpvsadmOption.RealServer);
        Add(a.Masquerading || a.Gatewaying || a.Ipip, IpvsadmOption.ForwardingMethod);
        Add(a.Weight is not null, IpvsadmOption.Weight);
        Add(a.UpperThreshold is not null, IpvsadmOption.UpperThreshold);
        Add(a.LowerThreshold is not null, IpvsadmOption.LowerThreshold);
        Add(a.Timeout, IpvsadmOption.Timeout);
        Add(a.Daemon, IpvsadmOption.Daemon);
        Add(a.Stats, IpvsadmOption.Stats);
        Add(a.Rate, IpvsadmOption.Rate);
        Add(a.Thresholds, IpvsadmOption.Thresholds);
        Add(a.PersistentConnections, IpvsadmOption.PersistentConnections);
        Add(a.NoSort, IpvsadmOption.NoSort);
        Add(a.Exact, IpvsadmOption.Exact);
        Add(a.OnePacket, IpvsadmOption.OnePacket);
        Add(a.PersistenceEngine is not null, IpvsadmOption.PersistenceEngine);
        Add(a.SchedulerFlags is not null, IpvsadmOption.SchedulerFlags);
        Add(a.McastInterface is not null, IpvsadmOption.McastInterface);
        Add(a.SyncId is not null, IpvsadmOption.SyncId);
        Add(a.McastGroup is not null, IpvsadmOption.McastGroup);
        Add(a.McastPort is not null, IpvsadmOption.McastPort);
        Add(a.McastTtl is not null, IpvsadmOption.McastTtl);
        Add(a.SyncMaxlen is not null, IpvsadmOption.SyncMaxlen);
        Add(a.TunnelInfo, IpvsadmOption.TunnelInfo);
        Add(a.TunnelType is not null, IpvsadmOption.TunnelType);
        Add(a.TunnelPort is not null, IpvsadmOption.TunnelPort);
        Add(a.TunnelNoChecksum, IpvsadmOption.TunnelNoChecksum);
        Add(a.TunnelChecksum, IpvsadmOption.TunnelChecksum);
        Add(a.TunnelRemoteChecksum, IpvsadmOption.TunnelRemoteChecksum);
        if (new[] { a.TcpService, a.UdpService, a.SctpService, a.FwmarkService }.Count(s => s is not null) > 1)
        {
            throw new IpvsadmUsageException("multiple 'service-address' options specified");
        }
        if (new[] { a.Masquerading, a.Gatewaying, a.Ipip }.Count(f => f) > 1)
        {
            throw new IpvsadmUsageException("multiple 'forwarding-method' options specified");
        }
        return given;
    }

    private static ListingFlags ListingOf(IpvsadmArguments a)
    {
        var listing = ListingFlags.None;
        if (a.Numeric) listing |= ListingFlags.Numeric;
        if (a.Connection) listing |= ListingFlags.Connections;
        if (a.Stats) listing |= ListingFlags.Stats;
        if (a.Rate) listing |= ListingFlags.Rate;
        if (a.Thresholds) listing |= ListingFlags.Thresholds;
        if (a.PersistentConnections) listing |= ListingFlags.PersistentConnections;
        if (a.NoSort) listing |= ListingFlags.NoSort;
        if (a.Exact) listing |= ListingFlags.Exact;
        if (a.Timeout) listing |= ListingFlags.Timeout;
        if (a.Daemon) listing |= ListingFlags.Daemon;
        if (a.TunnelInfo) listing |= ListingFlags.TunnelInfo;
        return listing;
    }

    private static bool DaemonState(string state, string error) => state switch
    {
        "master" => true,
        "backup" => false,
        _ => throw new IpvsadmUsageException(error),
    };

    /// <summary>The daemon options, each checked as parse_options does (mcast-group must be a multicast group).</summary>
    private static SyncDaemonRequest DaemonOf(IpvsadmArguments a, bool master)
    {
        int? Number(string? text, int maximum, int minimum, string error) =>
            text is null ? null : TryNumber(text, minimum, maximum, out var value) ? value : throw new IpvsadmUsageException(error);

        var syncId = Number(a.SyncId, 255, 0, "illegal syncid specified");
        if (a.McastGroup is { } group && !McastGroups.IsValid(group))
        {
            throw new IpvsadmUsageException(group.Contains(':', StringComparison.Ordinal)
                ? $"invalid IPv6 mcast-group `{EchoedText.Of(group)}'"
                : $"invalid IPv4 mcast-group `{EchoedText.Of(group)}'");
        }
        var port = Number(a.McastPort, 65535, 1, "illegal mcast-port specified");
        var ttl = Number(a.McastTtl, 255, 1, "illegal mcast-ttl specified");
        // The largest sync message that fits a 64 KiB IP datagram after the IP and UDP headers.
        var maxlen = Number(a.SyncMaxlen, 65535 - 20 - 8, 1, "illegal sync-maxlen specified");
        return new SyncDaemonRequest(master, a.McastInterface, syncId, maxlen, a.McastGroup, port, ttl);
    }

    private static int ParseTimeout(string text, int minimum) =>
        TryNumber(text, minimum, MaximumTimeout, out var value) ? value : throw new IpvsadmUsageException($"invalid timeout value `{EchoedText.Of(text)}' specified");

    private static int ParseNumber(string? text, int minimum, int maximum, string error, int fallback) =>
        text is null ? fallback : TryNumber(text, minimum, maximum, out var value) ? value : throw new IpvsadmUsageException(error);

    /// <summary>As ipvsadm's string_to_number: a whole decimal string within bounds.</summary>
    private static bool TryNumber(string text, int minimum, int maximum, out int value)
    {
        value = 0;
        // strtol skips leading white space and takes a sign; nothing may follow the digits.
        if (!long.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ||
            number < minimum || number > maximum)
        {
            return false;
        }
        value = (int)number;
        return true;
    }
}
