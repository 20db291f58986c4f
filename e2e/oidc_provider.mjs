// A real OpenID Connect provider for the single sign-on tests: the npm `oidc-provider`
// package (installed by `make oidc-provider` into var/oidc, never committed), with its
// development sign-in pages, one confidential client, and accounts whose claims come from
// the JSON the test passes. Usage:
//   node e2e/oidc_provider.mjs <modules dir> <port> <config.json>
// config: {client_id, client_secret, redirect_uri, accounts: {login: {email, name, amr}}}
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, port, configPath] = process.argv.slice(2);
const { default: Provider } = await import(
  pathToFileURL(join(modules, "oidc-provider", "lib", "index.js")).href
);
const config = JSON.parse(readFileSync(configPath, "utf8"));
const issuer = `http://localhost:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.client_id,
      client_secret: config.client_secret,
      redirect_uris: [config.redirect_uri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name"],
  },
  cookies: { keys: ["e2e-only-cookie-key"] },
  pkce: { required: () => false },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const account = config.accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: true, name: account.name };
      },
    };
  },
});
provider.proxy = false;
provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
