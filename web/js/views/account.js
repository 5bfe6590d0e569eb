// Sign in, sign up (with the e-mailed code when the stack does not confirm at once) and sign out.

import * as api from "../api.js";
import { config } from "../config.js";
import * as session from "../session.js";
import { h, append, busy, showProblem, hideProblem, problemBox } from "../ui.js";

function field(label, attrs) {
  const id = `f-${attrs.name}`;
  return h("div", { class: "field" }, h("label", { for: id }, label), h("input", { id, dataset: { field: attrs.name }, ...attrs }));
}

function destination(params) {
  const next = params.get("next");
  if (next && next.startsWith("/")) return `#${next}`;
  return session.isStaff() ? "#/kitchen" : "#/";
}

export async function signIn(email, password) {
  const tokens = await api.post("/v1/auth/login", { email, password }, { auth: false });
  session.save(tokens, null);
  try {
    session.setProfile(await api.get("/v1/me"));
  } catch (error) {
    session.clear();
    throw error;
  }
}

export async function signOut() {
  const button = document.getElementById("sign-out");
  const leave = async () => {
    try {
      if (session.idToken()) await api.post("/v1/auth/logout", undefined);
    } catch {
      // the tokens go from this browser whatever the API answered: they are removed below
    } finally {
      session.clear();
      location.hash = "#/signin";
    }
  };
  return button ? busy(button, leave) : leave();
}

export async function renderSignIn(root, { params }) {
  const box = problemBox();
  const demo = config().demoAccounts;
  const form = h("form", { class: "card narrow", novalidate: true },
    field("E-mail", { name: "email", type: "email", autocomplete: "username", required: true }),
    field("Password", { name: "password", type: "password", autocomplete: "current-password", required: true }),
    box,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
  );
  const [email, password] = [form.elements.email, form.elements.password];
  if (demo.length) {
    email.value = demo[0].email;
    password.value = demo[0].password;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form.querySelector("button[type=submit]"), async () => {
      hideProblem(box);
      try {
        await signIn(email.value.trim(), password.value);
        location.hash = destination(params);
      } catch (error) {
        showProblem(box, error, form);
      }
    });
  });
  append(root, 
    h("h1", {}, "Sign in"),
    demo.length
      ? h("div", { class: "card narrow demo" },
          h("p", {}, "Local stack: demo accounts (password ", h("code", {}, demo[0].password), ")"),
          h("div", { class: "row" }, demo.map((a) => h("button", {
            type: "button", class: "secondary",
            onclick: () => { email.value = a.email; password.value = a.password; email.focus(); },
          }, `Use ${a.email}`))))
      : null,
    form,
    h("p", {}, "New here? ", h("a", { href: "#/signup" }, "Create an account")),
  );
}

export async function renderSignUp(root, { params }) {
  const box = problemBox();
  const form = h("form", { class: "card narrow", novalidate: true },
    field("Name", { name: "name", autocomplete: "name", required: true }),
    field("E-mail", { name: "email", type: "email", autocomplete: "email", required: true }),
    field("Password (12+ characters: lower and upper case, a digit, a symbol)", {
      name: "password", type: "password", autocomplete: "new-password", required: true,
    }),
    box,
    h("button", { type: "submit", class: "primary" }, "Sign up"),
  );
  const confirmBox = problemBox();
  const confirmForm = h("form", { class: "card narrow", hidden: true, novalidate: true },
    h("p", {}, "We e-mailed you a code. Enter it to confirm your account."),
    field("Code", { name: "code", inputmode: "numeric", autocomplete: "one-time-code", required: true }),
    confirmBox,
    h("button", { type: "submit", class: "primary" }, "Confirm"),
  );
  const values = () => ({ name: form.elements.name.value.trim(), email: form.elements.email.value.trim(), password: form.elements.password.value });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form.querySelector("button[type=submit]"), async () => {
      hideProblem(box);
      try {
        const v = values();
        const created = await api.post("/v1/auth/signup", v, { auth: false });
        if (!created.confirmed) {
          confirmForm.hidden = false;
          confirmForm.elements.code.focus();
          return;
        }
        await signIn(v.email, v.password);
        location.hash = destination(params);
      } catch (error) {
        showProblem(box, error, form);
      }
    });
  });
  confirmForm.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(confirmForm.querySelector("button[type=submit]"), async () => {
      hideProblem(confirmBox);
      try {
        const v = values();
        await api.post("/v1/auth/confirm", { email: v.email, code: confirmForm.elements.code.value.trim() }, { auth: false });
        await signIn(v.email, v.password);
        location.hash = destination(params);
      } catch (error) {
        showProblem(confirmBox, error, confirmForm);
      }
    });
  });
  append(root, h("h1", {}, "Sign up"), form, confirmForm, h("p", {}, "Have an account? ", h("a", { href: "#/signin" }, "Sign in")));
}
