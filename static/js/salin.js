// "Salin tautan": copies the promise's link. Progressive enhancement: the button stays hidden without JS,
// and the link is always readable in the text field next to it.
document.querySelectorAll("[data-salin]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(button.dataset.salin).then(() => {
      button.textContent = button.dataset.tersalin;
    });
  });
});
