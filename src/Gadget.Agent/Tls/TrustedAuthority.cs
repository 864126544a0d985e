using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gadget.Gadgets;

namespace Gadget.Agent.Tls;

/// <summary>The one CA (--tls-ca) that the other side's certificate must chain to: the client's
/// for the agent, the agent's for a client. Only this CA is trusted, not the system's store.</summary>
internal sealed class TrustedAuthority
{
    private readonly X509Certificate2Collection _roots;

    private TrustedAuthority(X509Certificate2Collection roots) => _roots = roots;

    public static TrustedAuthority Load(string caFile)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new GadgetException($"--tls-ca {caFile}: {e.Message}", e);
        }
        if (roots.Count == 0)
            throw new GadgetException($"--tls-ca {caFile}: no certificate in the file");
        return new TrustedAuthority(roots);
    }

    /// <summary>Whether <paramref name="certificate"/> chains to this CA (and is valid now).</summary>
    public bool Validates(X509Certificate2 certificate, X509Chain? presented = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the peer sent along.
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.Equals(certificate))
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return chain.Build(certificate);
    }

    /// <summary>A certificate and its private key from PEM files (--tls-cert, --tls-key).</summary>
    public static X509Certificate2 LoadIdentity(string certificateFile, string keyFile)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new GadgetException($"--tls-cert {certificateFile} / --tls-key {keyFile}: {e.Message}", e);
        }
    }
}
